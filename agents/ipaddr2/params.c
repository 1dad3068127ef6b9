#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agents/ipaddr2/params.h"

static const char *param(const char *name)
{
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "OCF_RESKEY_%s", name);
	v = getenv(key);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

bool ip_params_is_true(const char *s)
{
	static const char *const yes[] = { "yes", "true", "1", "on", "ja", NULL };

	for (size_t i = 0; s != NULL && yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return true;
	return false;
}

static int complain(char *why, size_t size, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int complain(char *why, size_t size, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* NAME as a whole number in [MIN, MAX], DEF when not set. */
static int number(const char *name, unsigned long min, unsigned long max, unsigned long def,
		  unsigned long *ret)
{
	const char *v = param(name);
	char *end;
	unsigned long n;

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n < min || n > max)
		return -EINVAL;
	*ret = n;
	return 0;
}

static int read_numbers(ip_params *p, char *why, size_t size)
{
	unsigned long v;

	if (number("arp_interval", 1, 60000, 200, &v) < 0)
		return complain(why, size, -EINVAL, "arp_interval must be a number of milliseconds "
				"from 1 to 60000, not '%s'", param("arp_interval"));
	p->arp_interval_ms = (unsigned)v;
	if (number("arp_count", 0, 1000, 5, &v) < 0)
		return complain(why, size, -EINVAL, "arp_count must be a number from 0 to 1000, "
				"not '%s'", param("arp_count"));
	p->arp_count = (unsigned)v;
	if (number("arp_count_refresh", 0, 1000, 0, &v) < 0)
		return complain(why, size, -EINVAL, "arp_count_refresh must be a number from 0 to "
				"1000, not '%s'", param("arp_count_refresh"));
	p->arp_count_refresh = (unsigned)v;
	p->preferred_lft = UINT32_MAX;
	if (param("preferred_lft") != NULL && strcmp(param("preferred_lft"), "forever") != 0) {
		if (number("preferred_lft", 0, UINT32_MAX - 1, 0, &v) < 0)
			return complain(why, size, -EINVAL, "preferred_lft must be 'forever' or a "
					"number of seconds, not '%s'", param("preferred_lft"));
		p->preferred_lft = (uint32_t)v;
	}
	if (number("CRM_meta_timeout", 0, UINT32_MAX, 20000, &v) < 0)
		v = 20000;
	p->timeout_ms = v;
	return 0;
}

/* nic (which may be "eth0:label", as IPaddr2 takes it) and iflabel. */
static int read_nic(ip_params *p, char *why, size_t size)
{
	const char *nic = param("nic"), *label = param("iflabel");
	size_t n = nic != NULL ? strcspn(nic, ":") : 0;

	if (nic != NULL && nic[n] == ':')
		label = nic + n + 1;
	if (n >= sizeof(p->nic))
		return complain(why, size, -EINVAL, "nic '%s' is longer than an interface name "
				"can be", nic);
	if (nic != NULL)
		memcpy(p->nic, nic, n);
	if (label == NULL || label[0] == '\0')
		return 0;
	if (p->ip.family != AF_INET)
		return complain(why, size, -EINVAL, "iflabel is for IPv4 addresses only");
	/* the kernel's label is the interface's name, a colon and the label */
	if (p->nic[0] == '\0')
		return complain(why, size, -EINVAL, "iflabel needs nic: set nic=INTERFACE too");
	if ((size_t)snprintf(p->label, sizeof(p->label), "%s:%s", p->nic, label) >=
	    sizeof(p->label))
		return complain(why, size, -EINVAL, "interface label '%s:%s' is longer than 15 "
				"characters", p->nic, label);
	return 0;
}

static int read_prefix(ip_params *p, char *why, size_t size)
{
	const char *mask = param("cidr_netmask") != NULL ? param("cidr_netmask") : param("netmask");
	vigil_ipaddr dotted;
	unsigned long v;
	char *end;

	p->prefix = -1;
	if (mask == NULL)
		return 0;
	errno = 0;
	v = strtoul(mask, &end, 10);
	if (mask[0] >= '0' && mask[0] <= '9' && *end == '\0' && errno == 0 &&
	    v <= (unsigned long)vigil_ipaddr_bits(&p->ip)) {
		p->prefix = (int)v;
		return 0;
	}
	/* a dotted netmask (255.255.255.0), as ip(8) and IPaddr2's findif take it too */
	if (p->ip.family == AF_INET && vigil_ipaddr_parse(mask, &dotted) == 0 &&
	    dotted.family == AF_INET) {
		uint32_t m = ((uint32_t)dotted.addr[0] << 24) | ((uint32_t)dotted.addr[1] << 16) |
			     ((uint32_t)dotted.addr[2] << 8) | dotted.addr[3];
		int bits = __builtin_popcount(m);

		if (bits == 32 || (m << bits) == 0) {
			p->prefix = bits;
			return 0;
		}
	}
	return complain(why, size, -EINVAL, "cidr_netmask must be a prefix length from 0 to %d "
			"(e.g. 24), not '%s'", vigil_ipaddr_bits(&p->ip), mask);
}

static int read_broadcast(ip_params *p, char *why, size_t size)
{
	const char *b = param("broadcast");

	p->brd_mode = BRD_AUTO;
	if (b == NULL || strcmp(b, "+") == 0)
		return 0;
	if (strcmp(b, "none") == 0 || strcmp(b, "-") == 0) {
		p->brd_mode = BRD_NONE;
		return 0;
	}
	if (vigil_ipaddr_parse(b, &p->brd) < 0 || p->brd.family != AF_INET ||
	    p->ip.family != AF_INET)
		return complain(why, size, -EINVAL, "broadcast must be an IPv4 address, 'none' or "
				"'+', not '%s'", b);
	p->brd_mode = BRD_GIVEN;
	return 0;
}

/* What ocf:heartbeat:IPaddr2 can do and this agent cannot: refused, never ignored. */
static int read_unsupported(char *why, size_t size)
{
	static const char *const flags[] = { "lvs_support", "lvs_ipv6_addrlabel", "flush_routes",
					     "run_arping", NULL };
	static const char *const values[] = { "mac", "network_namespace", NULL };
	unsigned long clones;

	for (size_t i = 0; flags[i] != NULL; i++)
		if (ip_params_is_true(param(flags[i])))
			return complain(why, size, -ENOTSUP, "%s is not supported by "
					"ocf:vigil:IPaddr2; use ocf:heartbeat:IPaddr2 for it",
					flags[i]);
	for (size_t i = 0; values[i] != NULL; i++)
		if (param(values[i]) != NULL)
			return complain(why, size, -ENOTSUP, "%s is not supported by "
					"ocf:vigil:IPaddr2; use ocf:heartbeat:IPaddr2 for it",
					values[i]);
	if (number("CRM_meta_clone_max", 0, UINT32_MAX, 1, &clones) == 0 && clones > 1)
		return complain(why, size, -ENOTSUP, "a cloned floating IP (CLUSTERIP) is not "
				"supported by ocf:vigil:IPaddr2; use ocf:heartbeat:IPaddr2 for it");
	return 0;
}

int ip_params_read(ip_params *ret, char *why, size_t size)
{
	ip_params p = { .ip_text = param("ip") };
	unsigned long interval = 0;
	const char *bg = param("arp_bg");
	int r;

	if (p.ip_text == NULL)
		return complain(why, size, -EINVAL, "the ip parameter (the floating address) is "
				"required");
	if (vigil_ipaddr_parse(p.ip_text, &p.ip) < 0)
		return complain(why, size, -EINVAL, "ip must be an IPv4 or IPv6 address without a "
				"prefix (set cidr_netmask for it), not '%s'", p.ip_text);
	if ((r = read_unsupported(why, size)) < 0 || (r = read_nic(&p, why, size)) < 0 ||
	    (r = read_prefix(&p, why, size)) < 0 || (r = read_broadcast(&p, why, size)) < 0 ||
	    (r = read_numbers(&p, why, size)) < 0)
		return r;
	p.arp_bg = bg == NULL || ip_params_is_true(bg);
	p.nodad = ip_params_is_true(param("nodad"));
	p.noprefixroute = ip_params_is_true(param("noprefixroute"));
	if (number("CRM_meta_interval", 0, UINT32_MAX, 0, &interval) < 0)
		interval = 0;
	p.probe = interval == 0;
	*ret = p;
	return 0;
}
