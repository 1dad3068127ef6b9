/* ocf:vigil:IPaddr2, a floating IP address: the parameters and behaviour of
 * resource-agents' ocf:heartbeat:IPaddr2 (for one address, not a clone), done over
 * rtnetlink and packet sockets by one small program instead of a shell script that runs
 * ip(8), findif and send_arp. A failover runs it twice or three times (stop, start,
 * monitor); Debian's IPaddr2 takes 0.15-0.3 s per action on a small machine, this one a
 * few milliseconds.
 *
 * It links the C library only (no GLib): an agent is started for every action, and what
 * it does not load it does not wait for. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_addr.h>

#include "agents/ipaddr2/params.h"
#include "net/announce.h"
#include "net/ipaddr.h"

enum {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
};

extern const char ipaddr2_metadata[];

/* Says why the action failed, as OCF agents do (the executor shows the last such line),
 * and returns RC. */
static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int rc, const char *fmt, ...)
{
	va_list ap;

	fputs("ocf-exit-reason:", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- where the address goes ----------------------------------------------------------- */

typedef struct ip_place {
	int nl;              /* the rtnetlink socket */
	int ifindex;         /* 0: not known (no nic given, no route) */
	int prefix;          /* -1: not known */
	char name[IF_NAMESIZE]; /* the interface's name, for messages */
} ip_place;

/* The interface and prefix: given, or from the route that covers the address. */
static void ip_place_find(const ip_params *p, ip_place *pl)
{
	int ifindex = 0, prefix = -1;

	pl->ifindex = 0;
	pl->prefix = p->prefix;
	if (p->nic[0] != '\0') {
		pl->ifindex = (int)if_nametoindex(p->nic);
		if (pl->ifindex == 0)
			return;
	}
	if (vigil_route_find(pl->nl, &p->ip, pl->ifindex, &ifindex, &prefix) == 0) {
		if (pl->ifindex == 0)
			pl->ifindex = ifindex;
		if (pl->prefix < 0)
			pl->prefix = prefix;
	}
	if (pl->ifindex > 0 && if_indextoname((unsigned)pl->ifindex, pl->name) == NULL)
		pl->name[0] = '\0';
}

/* OCF_SUCCESS when PL is enough to add the address; otherwise the code, reason printed. */
static int ip_place_check(const ip_params *p, const ip_place *pl)
{
	if (p->nic[0] != '\0' && pl->ifindex == 0)
		return fail(OCF_ERR_INSTALLED, "interface '%s' (the nic parameter) does not exist "
			    "on this node", p->nic);
	if (pl->ifindex == 0)
		return fail(OCF_ERR_CONFIGURED, "no interface has a route that covers %s; set "
			    "nic= and cidr_netmask=", p->ip_text);
	if (pl->prefix < 0)
		return fail(OCF_ERR_CONFIGURED, "no route on %s covers %s, so its prefix is not "
			    "known; set cidr_netmask=", pl->name, p->ip_text);
	return OCF_SUCCESS;
}

static bool interface_up(int ifindex)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = true;

	if (fd < 0 || if_indextoname((unsigned)ifindex, ifr.ifr_name) == NULL)
		up = true; /* not known: the address's own state decides */
	else if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) != 0;
	if (fd >= 0)
		close(fd);
	return up;
}

/* ---- announcements ---------------------------------------------------------------------- */

/* COUNT announcements ARP_INTERVAL apart, as long as the address is still there (a stop
 * ends them by removing it). */
static void announce_loop(const ip_params *p, const ip_place *pl, unsigned count)
{
	vigil_addr_info info;

	for (unsigned i = 0; i < count; i++) {
		if (i > 0)
			sleep_ms(p->arp_interval_ms);
		if (vigil_addr_find(pl->nl, &p->ip, pl->ifindex, &info) < 0 ||
		    vigil_announce(pl->ifindex, &p->ip) < 0)
			return;
	}
}

/* The rest of the announcements in a process of its own, outside the action's process
 * group, so that the action returns at once. */
static void announce_in_background(const ip_params *p, const ip_place *pl, unsigned count)
{
	pid_t pid;
	int null;

	if (count == 0)
		return;
	pid = fork();
	if (pid != 0) {
		/* the parent (or a failed fork: the first announcement went out already) */
		return;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	sleep_ms(p->arp_interval_ms);
	announce_loop(p, pl, count);
	_exit(0);
}

static void announce(const ip_params *p, const ip_place *pl, unsigned count)
{
	int r;

	if (count == 0 || vigil_announce_possible(pl->ifindex) != 1)
		return;
	r = vigil_announce(pl->ifindex, &p->ip);
	if (r < 0) {
		fprintf(stderr, "WARNING: could not announce %s on %s: %s\n", p->ip_text,
			pl->name, strerror(-r));
		return;
	}
	if (p->arp_bg) {
		announce_in_background(p, pl, count - 1);
	} else if (count > 1) {
		sleep_ms(p->arp_interval_ms);
		announce_loop(p, pl, count - 1);
	}
}

/* ---- actions ------------------------------------------------------------------------------ */

/* IPv6 duplicate address detection: wait while the address is tentative. */
static int wait_dad(const ip_params *p, const ip_place *pl)
{
	vigil_addr_info info;

	for (;;) {
		int r = vigil_addr_find(pl->nl, &p->ip, pl->ifindex, &info);

		if (r < 0)
			return fail(OCF_ERR_GENERIC, "%s went away while its duplicate address "
				    "detection ran", p->ip_text);
		if (info.flags & IFA_F_DADFAILED) {
			vigil_addr_del(pl->nl, pl->ifindex, &p->ip, info.prefix);
			return fail(OCF_ERR_GENERIC, "%s is in use by another host on %s "
				    "(duplicate address detection failed)", p->ip_text, pl->name);
		}
		if (!(info.flags & IFA_F_TENTATIVE))
			return OCF_SUCCESS;
		sleep_ms(20);
	}
}

static int add_address(const ip_params *p, const ip_place *pl)
{
	vigil_addr_opts o = { .prefix = pl->prefix, .label = p->label,
			      .preferred_lft = p->preferred_lft };
	int r;

	if (p->ip.family == AF_INET && p->brd_mode != BRD_NONE && pl->prefix < 31) {
		o.broadcast = true;
		o.brd = p->brd_mode == BRD_GIVEN ? p->brd : vigil_ipaddr_broadcast(&p->ip, pl->prefix);
	}
	if (p->nodad && p->ip.family == AF_INET6)
		o.flags |= IFA_F_NODAD;
	if (p->noprefixroute)
		o.flags |= IFA_F_NOPREFIXROUTE;
	r = vigil_addr_add(pl->nl, pl->ifindex, &p->ip, &o);
	if (r == -EEXIST)
		return OCF_SUCCESS;
	if (r == -EPERM || r == -EACCES)
		return fail(OCF_ERR_PERM, "adding %s to %s needs root (CAP_NET_ADMIN)", p->ip_text,
			    pl->name);
	if (r < 0)
		return fail(OCF_ERR_GENERIC, "could not add %s/%d to %s: %s", p->ip_text,
			    pl->prefix, pl->name, strerror(-r));
	return p->ip.family == AF_INET6 && !p->nodad ? wait_dad(p, pl) : OCF_SUCCESS;
}

static int ip_start(ip_params *p, ip_place *pl)
{
	vigil_addr_info info;
	int rc = ip_place_check(p, pl);

	if (rc != OCF_SUCCESS)
		return rc;
	if (!interface_up(pl->ifindex))
		return fail(OCF_ERR_GENERIC, "interface %s is down; bring it up or move %s "
			    "elsewhere", pl->name, p->ip_text);
	if (vigil_addr_find(pl->nl, &p->ip, pl->ifindex, &info) == 0)
		return OCF_SUCCESS; /* served here already, as IPaddr2 answers */
	rc = add_address(p, pl);
	if (rc == OCF_SUCCESS)
		announce(p, pl, p->arp_count);
	return rc;
}

static int ip_stop(const ip_params *p, const ip_place *pl)
{
	vigil_addr_info info;
	int r;

	/* with no nic given, wherever it is: a route that went away must not keep it here */
	r = vigil_addr_find(pl->nl, &p->ip, p->nic[0] != '\0' ? pl->ifindex : 0, &info);
	if (r == -ENOENT || (p->nic[0] != '\0' && pl->ifindex == 0))
		return OCF_SUCCESS;
	if (r < 0)
		return fail(OCF_ERR_GENERIC, "could not read the addresses: %s", strerror(-r));
	r = vigil_addr_del(pl->nl, info.ifindex, &p->ip, info.prefix);
	if (r == -EADDRNOTAVAIL)
		return OCF_SUCCESS;
	if (r == -EPERM || r == -EACCES)
		return fail(OCF_ERR_PERM, "removing %s needs root (CAP_NET_ADMIN)", p->ip_text);
	if (r < 0)
		return fail(OCF_ERR_GENERIC, "could not remove %s: %s", p->ip_text, strerror(-r));
	return OCF_SUCCESS;
}

static int ip_monitor(const ip_params *p, ip_place *pl)
{
	vigil_addr_info info;
	int r;

	if (p->nic[0] != '\0' && pl->ifindex == 0)
		return OCF_NOT_RUNNING; /* no such interface here: it cannot hold the address */
	r = vigil_addr_find(pl->nl, &p->ip, p->nic[0] != '\0' ? pl->ifindex : 0, &info);
	if (r == -ENOENT)
		return OCF_NOT_RUNNING;
	if (r < 0)
		return fail(OCF_ERR_GENERIC, "could not read the addresses: %s", strerror(-r));
	pl->ifindex = info.ifindex;
	if_indextoname((unsigned)info.ifindex, pl->name);
	if (info.flags & IFA_F_DADFAILED)
		return fail(OCF_ERR_GENERIC, "%s is in use by another host (duplicate address "
			    "detection failed)", p->ip_text);
	if (!p->probe && !interface_up(info.ifindex))
		return fail(OCF_ERR_GENERIC, "interface %s holding %s is down", pl->name,
			    p->ip_text);
	if (!p->probe && p->arp_count_refresh > 0)
		announce(p, pl, p->arp_count_refresh);
	return OCF_SUCCESS;
}

static int ip_validate(const ip_params *p, const ip_place *pl)
{
	return ip_place_check(p, pl);
}

static void usage(FILE *to, const char *argv0)
{
	fprintf(to, "usage: %s {start|stop|status|monitor|validate-all|meta-data}\n\n"
		"Expects the OCF environment (OCF_RESKEY_ip=...); 'meta-data' describes the "
		"parameters.\n", argv0);
}

static int run(const char *action, ip_params *p)
{
	ip_place pl = { .nl = vigil_nl_open(), .prefix = -1 };
	int rc;

	if (pl.nl < 0)
		return fail(OCF_ERR_GENERIC, "no rtnetlink socket: %s", strerror(-pl.nl));
	ip_place_find(p, &pl);
	if (strcmp(action, "start") == 0)
		rc = ip_start(p, &pl);
	else if (strcmp(action, "stop") == 0)
		rc = ip_stop(p, &pl);
	else if (strcmp(action, "monitor") == 0 || strcmp(action, "status") == 0)
		rc = ip_monitor(p, &pl);
	else
		rc = ip_validate(p, &pl);
	close(pl.nl);
	return rc;
}

static bool known_action(const char *a)
{
	static const char *const actions[] = { "start", "stop", "monitor", "status",
					       "validate-all", NULL };

	for (size_t i = 0; actions[i] != NULL; i++)
		if (strcmp(a, actions[i]) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *action = argc > 1 ? argv[1] : NULL;
	char why[256];
	ip_params p;
	int r;

	if (action == NULL) {
		usage(stderr, argv[0]);
		return OCF_ERR_ARGS;
	}
	if (strcmp(action, "meta-data") == 0) {
		fputs(ipaddr2_metadata, stdout);
		return OCF_SUCCESS;
	}
	if (strcmp(action, "usage") == 0 || strcmp(action, "help") == 0) {
		usage(stdout, argv[0]);
		return OCF_SUCCESS;
	}
	if (!known_action(action)) {
		usage(stderr, argv[0]);
		return OCF_ERR_UNIMPLEMENTED;
	}
	r = ip_params_read(&p, why, sizeof(why));
	if (r < 0) {
		/* an address that cannot be configured was never added: nothing to stop */
		if (strcmp(action, "stop") == 0)
			return OCF_SUCCESS;
		return fail(OCF_ERR_CONFIGURED, "%s", why);
	}
	return run(action, &p);
}
