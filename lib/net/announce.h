/* Telling the neighbours that an address has moved here: a gratuitous ARP for IPv4, an
 * unsolicited neighbour advertisement for IPv6, with the interface's own hardware
 * address, so that switches and hosts send to this node at once instead of when their
 * cache entry expires. C library only. 0 or a negative errno. */
#pragma once

#include "net/ipaddr.h"

/* Whether IFINDEX has an Ethernet-style hardware address to announce (not loopback, not
 * a tunnel): 1 yes, 0 no, or -errno. */
int vigil_announce_possible(int ifindex);

/* One announcement of A on IFINDEX: for IPv4 a gratuitous ARP request and reply
 * (broadcast), for IPv6 an unsolicited neighbour advertisement with the override flag to
 * all nodes (ff02::1). A must be configured on IFINDEX (for IPv6: not tentative). */
int vigil_announce(int ifindex, const vigil_ipaddr *a);
