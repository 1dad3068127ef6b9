#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/ipaddr.h"

int vigil_ipaddr_parse(const char *text, vigil_ipaddr *ret)
{
	vigil_ipaddr a = { 0 };

	if (text == NULL)
		return -EINVAL;
	if (inet_pton(AF_INET, text, a.addr) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, a.addr) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*ret = a;
	return 0;
}

int vigil_ipaddr_format(const vigil_ipaddr *a, char *buf, size_t size)
{
	return inet_ntop(a->family, a->addr, buf, (socklen_t)size) != NULL ? 0 : -errno;
}

int vigil_ipaddr_bits(const vigil_ipaddr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

bool vigil_ipaddr_in_prefix(const vigil_ipaddr *a, const vigil_ipaddr *net, int prefix)
{
	if (a->family != net->family || prefix < 0 || prefix > vigil_ipaddr_bits(a))
		return false;
	for (int bit = 0; bit < prefix; bit++) {
		unsigned char m = (unsigned char)(0x80u >> (bit % 8));

		if ((a->addr[bit / 8] & m) != (net->addr[bit / 8] & m))
			return false;
	}
	return true;
}

vigil_ipaddr vigil_ipaddr_broadcast(const vigil_ipaddr *a, int prefix)
{
	vigil_ipaddr b = *a;

	for (int bit = prefix < 0 ? 0 : prefix; bit < vigil_ipaddr_bits(a); bit++)
		b.addr[bit / 8] |= (unsigned char)(0x80u >> (bit % 8));
	return b;
}

static size_t addr_len(const vigil_ipaddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

int vigil_nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* ---- one request, its answers ------------------------------------------------------- */

typedef int (*nl_msg_fn)(const struct nlmsghdr *h, void *user);

typedef struct nl_req {
	struct nlmsghdr h;
	union {
		struct rtmsg rt;
		struct ifaddrmsg ifa;
	};
	char attrs[256];
} nl_req;

static void add_attr(nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* One answer datagram: each message to FN; 1 when the request is answered in full. */
static int nl_answer(const char *buf, size_t n, uint32_t seq, nl_msg_fn fn, void *user)
{
	for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			return e->error != 0 ? e->error : 1;
		}
		if (fn != NULL) {
			int r = fn(h, user);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Sends R and reads its answers (each message to FN) up to the end of a dump or the
 * acknowledgement. 0 or -errno (the kernel's error for R). */
static int nl_talk(int fd, nl_req *r, nl_msg_fn fn, void *user)
{
	static uint32_t seq;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));

	r->h.nlmsg_seq = ++seq;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int done;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		done = nl_answer(buf, (size_t)n, r->h.nlmsg_seq, fn, user);
		if (done != 0)
			return done < 0 ? done : 0;
	}
}

/* ---- routes ----------------------------------------------------------------------- */

typedef struct route_search {
	const vigil_ipaddr *a;
	int ifindex;
	int best_prefix, best_ifindex;
} route_search;

static int route_seen(const struct nlmsghdr *h, void *user)
{
	route_search *s = user;
	const struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)RTM_PAYLOAD(h);
	vigil_ipaddr dst = { .family = s->a->family };
	int oif = 0;

	if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != s->a->family ||
	    rt->rtm_table != RT_TABLE_MAIN || rt->rtm_type != RTN_UNICAST ||
	    rt->rtm_dst_len == 0 || (s->a->family == AF_INET && rt->rtm_scope != RT_SCOPE_LINK))
		return 0;
	for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == addr_len(s->a))
			memcpy(dst.addr, RTA_DATA(a), addr_len(s->a));
		else if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) == sizeof(int))
			memcpy(&oif, RTA_DATA(a), sizeof(int));
	}
	if (oif == 0 || (s->ifindex > 0 && oif != s->ifindex) ||
	    !vigil_ipaddr_in_prefix(s->a, &dst, rt->rtm_dst_len) ||
	    rt->rtm_dst_len <= s->best_prefix)
		return 0;
	s->best_prefix = rt->rtm_dst_len;
	s->best_ifindex = oif;
	return 0;
}

int vigil_route_find(int fd, const vigil_ipaddr *a, int ifindex, int *ret_ifindex,
		     int *ret_prefix)
{
	nl_req r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
			    .nlmsg_type = RTM_GETROUTE,
			    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		     .rt = { .rtm_family = (unsigned char)a->family } };
	route_search s = { .a = a, .ifindex = ifindex, .best_prefix = 0 };
	int ret = nl_talk(fd, &r, route_seen, &s);

	if (ret < 0)
		return ret;
	if (s.best_ifindex == 0)
		return -ENOENT;
	*ret_ifindex = s.best_ifindex;
	*ret_prefix = s.best_prefix;
	return 0;
}

/* ---- addresses -------------------------------------------------------------------- */

typedef struct addr_search {
	const vigil_ipaddr *a;
	int ifindex;
	bool found;
	vigil_addr_info info;
} addr_search;

static int addr_seen(const struct nlmsghdr *h, void *user)
{
	addr_search *s = user;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	vigil_addr_info info = { .ifindex = (int)ifa->ifa_index, .prefix = ifa->ifa_prefixlen,
				 .flags = ifa->ifa_flags };
	bool match = false;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != s->a->family || s->found ||
	    (s->ifindex > 0 && (int)ifa->ifa_index != s->ifindex))
		return 0;
	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		/* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on point-to-point
		 * links, and the address itself otherwise (and for IPv6) */
		if ((a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS &&
						 s->a->family == AF_INET6)) &&
		    RTA_PAYLOAD(a) == addr_len(s->a) &&
		    memcmp(RTA_DATA(a), s->a->addr, addr_len(s->a)) == 0)
			match = true;
		else if (a->rta_type == IFA_LABEL && RTA_PAYLOAD(a) <= sizeof(info.label))
			memcpy(info.label, RTA_DATA(a), RTA_PAYLOAD(a));
		else if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == sizeof(uint32_t))
			memcpy(&info.flags, RTA_DATA(a), sizeof(uint32_t));
	}
	info.label[sizeof(info.label) - 1] = '\0';
	if (match) {
		s->found = true;
		s->info = info;
	}
	return 0;
}

int vigil_addr_find(int fd, const vigil_ipaddr *a, int ifindex, vigil_addr_info *ret)
{
	nl_req r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
			    .nlmsg_type = RTM_GETADDR,
			    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		     .ifa = { .ifa_family = (unsigned char)a->family } };
	addr_search s = { .a = a, .ifindex = ifindex };
	int ret_talk = nl_talk(fd, &r, addr_seen, &s);

	if (ret_talk < 0)
		return ret_talk;
	if (!s.found)
		return -ENOENT;
	*ret = s.info;
	return 0;
}

static void addr_req_init(nl_req *r, int type, int flags, int ifindex, const vigil_ipaddr *a,
			  int prefix)
{
	*r = (nl_req){ .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
			      .nlmsg_type = (unsigned short)type,
			      .nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags) },
		       .ifa = { .ifa_family = (unsigned char)a->family,
				.ifa_prefixlen = (unsigned char)prefix,
				.ifa_index = (unsigned)ifindex } };
	add_attr(r, IFA_LOCAL, a->addr, addr_len(a));
	add_attr(r, IFA_ADDRESS, a->addr, addr_len(a));
}

int vigil_addr_add(int fd, int ifindex, const vigil_ipaddr *a, const vigil_addr_opts *o)
{
	nl_req r;
	struct ifa_cacheinfo ci = { .ifa_prefered = o->preferred_lft, .ifa_valid = UINT32_MAX };

	if (o->prefix < 0 || o->prefix > vigil_ipaddr_bits(a))
		return -EINVAL;
	addr_req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a, o->prefix);
	r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	if (o->broadcast && a->family == AF_INET)
		add_attr(&r, IFA_BROADCAST, o->brd.addr, 4);
	if (o->label != NULL && o->label[0] != '\0' && a->family == AF_INET) {
		if (strlen(o->label) >= 16)
			return -ENAMETOOLONG;
		add_attr(&r, IFA_LABEL, o->label, strlen(o->label) + 1);
	}
	if (o->flags != 0) {
		r.ifa.ifa_flags = (unsigned char)(o->flags & 0xff);
		add_attr(&r, IFA_FLAGS, &o->flags, sizeof(o->flags));
	}
	if (o->preferred_lft != UINT32_MAX)
		add_attr(&r, IFA_CACHEINFO, &ci, sizeof(ci));
	return nl_talk(fd, &r, NULL, NULL);
}

int vigil_addr_del(int fd, int ifindex, const vigil_ipaddr *a, int prefix)
{
	nl_req r;

	addr_req_init(&r, RTM_DELADDR, 0, ifindex, a, prefix);
	return nl_talk(fd, &r, NULL, NULL);
}
