/* Floating addresses on Linux interfaces over rtnetlink, with nothing but the C library:
 * what a floating-IP agent needs (find the interface and prefix from the routes, see where
 * an address is, add it, remove it) without running ip(8) once per question.
 *
 * Every function returns 0 or a negative errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vigil_ipaddr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];  /* network byte order; 4 bytes used for AF_INET */
} vigil_ipaddr;

/* Where an address is configured. */
typedef struct vigil_addr_info {
	int ifindex;
	int prefix;
	uint32_t flags;          /* IFA_F_* (IFA_F_TENTATIVE, IFA_F_DADFAILED...) */
	char label[16];          /* IFA_LABEL ("eth0:vip"), IPv4 only; may be empty */
} vigil_addr_info;

/* How an address is added. */
typedef struct vigil_addr_opts {
	int prefix;
	bool broadcast;          /* set BRD (IPv4) */
	vigil_ipaddr brd;
	const char *label;       /* IFA_LABEL, or NULL */
	uint32_t flags;          /* IFA_F_NODAD, IFA_F_NOPREFIXROUTE */
	uint32_t preferred_lft;  /* seconds; UINT32_MAX: forever */
} vigil_addr_opts;

/* TEXT as an IPv4 or IPv6 address (no prefix). -EINVAL if it is neither. */
int vigil_ipaddr_parse(const char *text, vigil_ipaddr *ret);
/* A as text into BUF (INET6_ADDRSTRLEN bytes are enough). */
int vigil_ipaddr_format(const vigil_ipaddr *a, char *buf, size_t size);
/* The most bits a prefix of A's family can have: 32 or 128. */
int vigil_ipaddr_bits(const vigil_ipaddr *a);
/* Whether A is inside NET/PREFIX. */
bool vigil_ipaddr_in_prefix(const vigil_ipaddr *a, const vigil_ipaddr *net, int prefix);
/* The broadcast address of A/PREFIX (all host bits set). */
vigil_ipaddr vigil_ipaddr_broadcast(const vigil_ipaddr *a, int prefix);

/* A NETLINK_ROUTE socket; close() it. */
int vigil_nl_open(void);

/* The interface and prefix of the route that covers A: the most specific route of the
 * main table that is not a default route (for IPv4, of link scope, as resource-agents'
 * findif asks), on IFINDEX when IFINDEX > 0. -ENOENT if there is none. */
int vigil_route_find(int fd, const vigil_ipaddr *a, int ifindex, int *ret_ifindex,
		     int *ret_prefix);

/* Where A is configured (on IFINDEX when IFINDEX > 0). -ENOENT if nowhere. */
int vigil_addr_find(int fd, const vigil_ipaddr *a, int ifindex, vigil_addr_info *ret);

/* Adds A to IFINDEX as O says. -EEXIST if it is there already. */
int vigil_addr_add(int fd, int ifindex, const vigil_ipaddr *a, const vigil_addr_opts *o);

/* Removes A/PREFIX from IFINDEX. -EADDRNOTAVAIL if it is not there. */
int vigil_addr_del(int fd, int ifindex, const vigil_ipaddr *a, int prefix);
