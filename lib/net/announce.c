#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "net/announce.h"

/* IFINDEX's Ethernet address. -ENOTSUP if it has none. */
static int hw_address(int ifindex, unsigned char mac[ETH_ALEN])
{
	struct ifreq ifr = { 0 };
	int fd, r = 0;

	if (if_indextoname((unsigned)ifindex, ifr.ifr_name) == NULL)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		r = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		r = -ENOTSUP;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(fd);
	return r;
}

int vigil_announce_possible(int ifindex)
{
	unsigned char mac[ETH_ALEN];
	int r = hw_address(ifindex, mac);

	return r == 0 ? 1 : r == -ENOTSUP ? 0 : r;
}

/* An ARP packet (without the Ethernet header) of operation OP for A from MAC. */
typedef struct __attribute__((packed)) arp_packet {
	struct arphdr h;
	unsigned char sha[ETH_ALEN], spa[4], tha[ETH_ALEN], tpa[4];
} arp_packet;

static int send_arp(int ifindex, const vigil_ipaddr *a, const unsigned char mac[ETH_ALEN])
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = ifindex, .sll_halen = ETH_ALEN };
	arp_packet p = { .h = { .ar_hrd = htons(ARPHRD_ETHER), .ar_pro = htons(ETH_P_IP),
				.ar_hln = ETH_ALEN, .ar_pln = 4 } };
	static const unsigned short ops[] = { ARPOP_REQUEST, ARPOP_REPLY };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	int r = 0;

	if (fd < 0)
		return -errno;
	memset(to.sll_addr, 0xff, ETH_ALEN);
	memcpy(p.sha, mac, ETH_ALEN);
	memcpy(p.spa, a->addr, 4);
	memcpy(p.tpa, a->addr, 4);
	/* the sender and the target are the address itself: every host that has it in its
	 * cache takes the new hardware address, and none answers */
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]) && r == 0; i++) {
		p.h.ar_op = htons(ops[i]);
		memset(p.tha, ops[i] == ARPOP_REPLY ? 0xff : 0x00, ETH_ALEN);
		if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			r = -errno;
	}
	close(fd);
	return r;
}

typedef struct __attribute__((packed)) na_packet {
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	unsigned char mac[ETH_ALEN];
} na_packet;

static int send_na(int ifindex, const vigil_ipaddr *a, const unsigned char mac[ETH_ALEN])
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex };
	na_packet p = { .na = { .nd_na_type = ND_NEIGHBOR_ADVERT,
				.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE },
			.opt = { .nd_opt_type = ND_OPT_TARGET_LINKADDR, .nd_opt_len = 1 } };
	int hops = 255, r = 0;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -errno;
	memcpy(from.sin6_addr.s6_addr, a->addr, 16);
	memcpy(p.na.nd_na_target.s6_addr, a->addr, 16);
	memcpy(p.mac, mac, ETH_ALEN);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	/* neighbour discovery is only believed with a hop limit of 255 (RFC 4861) */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		r = -errno;
	close(fd);
	return r;
}

int vigil_announce(int ifindex, const vigil_ipaddr *a)
{
	unsigned char mac[ETH_ALEN];
	int r = hw_address(ifindex, mac);

	if (r < 0)
		return r;
	return a->family == AF_INET ? send_arp(ifindex, a, mac) : send_na(ifindex, a, mac);
}
