/* ocf:vigil:IPaddr2's parameters: the OCF_RESKEY_* environment read once, checked, typed.
 * Names, defaults and meanings are those of resource-agents' ocf:heartbeat:IPaddr2, so
 * that a resource changes agents by changing its provider only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "net/ipaddr.h"

typedef struct ip_params {
	const char *ip_text;
	vigil_ipaddr ip;
	char nic[IF_NAMESIZE];       /* "" when not given: the route decides */
	char label[IF_NAMESIZE];     /* "eth0:vip" from iflabel (or nic=eth0:vip); may be "" */
	int prefix;                  /* -1 when not given: the route's */
	enum { BRD_AUTO, BRD_NONE, BRD_GIVEN } brd_mode;
	vigil_ipaddr brd;
	unsigned arp_interval_ms, arp_count, arp_count_refresh;
	bool arp_bg, nodad, noprefixroute;
	uint32_t preferred_lft;      /* UINT32_MAX: forever */
	bool probe;                  /* a monitor with interval 0 */
	uint64_t timeout_ms;         /* the action's timeout (OCF_RESKEY_CRM_meta_timeout) */
} ip_params;

/* Reads the environment into RET. On a problem, 0 is not returned: -EINVAL with a one-line
 * explanation in WHY (WHY_SIZE bytes) for a parameter that is wrong (OCF_ERR_CONFIGURED),
 * -ENOTSUP for a feature of ocf:heartbeat:IPaddr2 this agent does not have. */
int ip_params_read(ip_params *ret, char *why, size_t why_size);

/* resource-agents' ocf_is_true: yes, true, 1, on (any case), ja. */
bool ip_params_is_true(const char *s);
