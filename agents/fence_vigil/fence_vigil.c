/* fence_vigil: a fence agent for libvirt domains behind a fence daemon (vigil-fenced, or
 * fence-virt's fence_virtd) that speaks the fence_xvm protocol (lib/fence/xvm.h). It sends
 * the signed request to the daemon's multicast group from each local interface (from its
 * primary address), waits for the daemon's callback on a TCP port of its own (an ephemeral
 * one: several fence_vigil can run at once on one node, where fence_xvm's fixed port 1229
 * makes them queue), answers the mutual challenge and reports the result with fence_xvm's
 * words and exit codes. */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <glib.h>

#include "agents/fence_vigil/options.h"
#include "fence/io.h"
#include "fence/xvm.h"

/* fence_xvm's exit codes: the daemon's result byte, 1 for any failure of our own */
enum { EXIT_ON = 0, EXIT_FAIL = 1, EXIT_OFF = 2, EXIT_PERM = 3 };

typedef struct source {
	char ifname[IF_NAMESIZE];
	unsigned ifindex;
	int family;
	uint8_t addr[16];
	char text[INET6_ADDRSTRLEN];
} source;

typedef struct agent {
	fv_opts o;
	uint8_t *key;
	size_t key_len;
	int family;                /* of the group */
	uint8_t group[16];
	GArray *sources;           /* source: where requests go out from */
	int listener;
	uint16_t cb_port;
} agent;

static gint64 now_ms(void)
{
	return g_get_monotonic_time() / 1000;
}

/* ---- where requests go out from ------------------------------------------------------- */

static bool has_source_on(const GArray *sources, const char *ifname)
{
	for (guint k = 0; k < sources->len; k++)
		if (strcmp(g_array_index(sources, source, k).ifname, ifname) == 0)
			return true;
	return false;
}

/* One local address of FAMILY per interface, its first (the primary): IPv4 with 127.0.0.1
 * (a daemon on this host answers over loopback), IPv6 without loopback and link-local.
 * fence_xvm sends from every address; a secondary one is often a cluster's floating IP,
 * which may be another node's by the time the daemon calls back, and a second copy of the
 * request only makes the daemon try a callback that nobody answers. */
static GArray *local_sources(int family)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(source));
	struct ifaddrs *all = NULL;

	if (getifaddrs(&all) < 0)
		return out;
	for (struct ifaddrs *i = all; i != NULL; i = i->ifa_next) {
		source s = { 0 };

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != family ||
		    !(i->ifa_flags & IFF_UP) || has_source_on(out, i->ifa_name))
			continue;
		if (family == AF_INET) {
			memcpy(s.addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else {
			const struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			memcpy(s.addr, a, 16);
		}
		s.family = family;
		s.ifindex = if_nametoindex(i->ifa_name);
		g_strlcpy(s.ifname, i->ifa_name, sizeof(s.ifname));
		inet_ntop(family, s.addr, s.text, sizeof(s.text));
		g_array_append_val(out, s);
	}
	freeifaddrs(all);
	return out;
}

static int open_listener(agent *a)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)a->family };
	socklen_t len = a->family == AF_INET ? sizeof(struct sockaddr_in) :
					      sizeof(struct sockaddr_in6);
	int fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	/* port 0: the kernel's choice, given to the daemon in the request */
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 10) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	a->cb_port = ntohs(a->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
						   ((struct sockaddr_in6 *)&ss)->sin6_port);
	a->listener = fd;
	return 0;
}

/* One datagram of REQ (with S's address as the callback) from S to the group. */
static void send_from(const agent *a, const source *s, vigil_xvm_req *req)
{
	uint8_t buf[VIGIL_XVM_REQ_SIZE];
	int fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int hops = 2;

	if (fd < 0)
		return;
	memcpy(req->address, s->addr, a->family == AF_INET ? 4 : 16);
	if (vigil_xvm_req_encode(req, a->key, a->key_len, buf) == 0) {
		if (a->family == AF_INET) {
			struct sockaddr_in to = { .sin_family = AF_INET,
						  .sin_port = htons((uint16_t)a->o.port) };
			struct in_addr via;

			memcpy(&via, s->addr, 4);
			memcpy(&to.sin_addr, a->group, 4);
			setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &hops, sizeof(hops));
			setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof(via));
			sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to));
		} else {
			struct sockaddr_in6 to = { .sin6_family = AF_INET6,
						   .sin6_port = htons((uint16_t)a->o.port) };

			memcpy(&to.sin6_addr, a->group, 16);
			setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
			setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &s->ifindex,
				   sizeof(s->ifindex));
			sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to));
		}
	}
	close(fd);
}

/* Sends the request from every source until a daemon calls back, retrans apart, within
 * the timeout. The connection, or -ETIMEDOUT. */
static int request_and_wait(agent *a, vigil_xvm_req *req)
{
	gint64 end = now_ms() + (gint64)a->o.timeout_s * 1000;

	while (now_ms() < end) {
		struct pollfd p = { .fd = a->listener, .events = POLLIN };
		gint64 wait = MIN((gint64)a->o.retrans_ds * 100, end - now_ms());

		for (guint i = 0; i < a->sources->len; i++)
			send_from(a, &g_array_index(a->sources, source, i), req);
		if (a->o.debug > 0)
			fprintf(stderr, "fence_vigil: sent %s of '%s' from %u addresses; callback "
				"port %u\n", vigil_xvm_op_name(req->op), req->domain,
				a->sources->len, a->cb_port);
		if (poll(&p, 1, (int)MAX(wait, 0)) > 0) {
			int c = accept4(a->listener, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0)
				return c;
		}
	}
	return -ETIMEDOUT;
}

/* ---- the callback ----------------------------------------------------------------------- */

/* The mutual challenge, this side first (as fence_xvm): 0, -EPERM (the daemon does not
 * hold our key), or an I/O error. */
static int challenge(const agent *a, int fd, gint64 end)
{
	uint8_t mine[VIGIL_XVM_CHALLENGE_SIZE], answer[VIGIL_XVM_HASH_SIZE];
	uint8_t theirs[VIGIL_XVM_CHALLENGE_SIZE], reply[VIGIL_XVM_HASH_SIZE];
	int r;

	if (a->o.auth == VIGIL_XVM_HASH_NONE)
		return 0;
	if (getrandom(mine, sizeof(mine), 0) != (ssize_t)sizeof(mine))
		return -EIO;
	if ((r = vigil_xvm_io(fd, mine, sizeof(mine), true, end)) < 0 ||
	    (r = vigil_xvm_io(fd, answer, sizeof(answer), false, end)) < 0)
		return r;
	if (!vigil_xvm_answer_ok(a->o.auth, a->key, a->key_len, mine, answer))
		return -EPERM;
	if ((r = vigil_xvm_io(fd, theirs, sizeof(theirs), false, end)) < 0)
		return r;
	vigil_xvm_digest(a->o.auth, a->key, a->key_len, theirs, sizeof(theirs), reply);
	return vigil_xvm_io(fd, reply, sizeof(reply), true, end);
}

/* The host list after its 0xFD, printed as fence_xvm prints it. */
static int print_list(int fd, gint64 end)
{
	uint8_t rec[VIGIL_XVM_HOST_SIZE];
	char name[64], uuid[64];
	uint8_t state, last;

	for (;;) {
		int r = vigil_xvm_io(fd, rec, sizeof(rec), false, end);

		if (r < 0)
			return r;
		if (vigil_xvm_host_decode(rec, name, uuid, &state) == 1)
			break;
		printf("%-32s %s %s\n", name, uuid, state == 1 ? "on" : "off");
	}
	/* the daemon's closing result byte, when it sends one */
	if (vigil_xvm_io(fd, &last, 1, false, MIN(end, now_ms() + 200)) == 0 &&
	    last != VIGIL_XVM_RESP_SUCCESS)
		return -EIO;
	return 0;
}

static int report(const agent *a, const vigil_xvm_req *req, uint8_t result, int fd, gint64 end)
{
	switch (result) {
	case VIGIL_XVM_RESP_SUCCESS:
		if (req->op == VIGIL_XVM_STATUS)
			printf("Status: ON\n");
		return EXIT_ON;
	case VIGIL_XVM_RESP_OFF:
		printf("Status: OFF\n");
		return EXIT_OFF;
	case VIGIL_XVM_RESP_PERM:
		fprintf(stderr, "Permission denied: the fence daemon's groups do not let this "
			"node %s '%s'.\n", vigil_xvm_op_name(req->op), req->domain);
		return EXIT_PERM;
	case VIGIL_XVM_RESP_HOSTLIST:
		if (print_list(fd, end) < 0) {
			fprintf(stderr, "fence_vigil: the host list was cut short.\n");
			return EXIT_FAIL;
		}
		return EXIT_ON;
	default:
		fprintf(stderr, "Operation failed: the fence daemon could not %s '%s' (its log "
			"says why).\n", vigil_xvm_op_name(req->op), req->domain);
		return EXIT_FAIL;
	}
}

static char *sources_text(const agent *a)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < a->sources->len; i++) {
		const source *src = &g_array_index(a->sources, source, i);

		g_string_append_printf(s, "%s%s (%s)", i > 0 ? ", " : "", src->ifname, src->text);
	}
	if (s->len == 0)
		g_string_append(s, "no address of that family");
	return g_string_free(s, FALSE);
}

static int run(agent *a, const vigil_xvm_req *base)
{
	vigil_xvm_req req = *base;
	gint64 end;
	uint8_t result;
	int fd, r, code;

	if ((r = open_listener(a)) < 0) {
		fprintf(stderr, "fence_vigil: cannot listen for the daemon's callback: %s.\n",
			g_strerror(-r));
		return EXIT_FAIL;
	}
	req.port = a->cb_port;
	fd = request_and_wait(a, &req);
	close(a->listener);
	if (fd < 0) {
		g_autofree char *from = sources_text(a);
		char group[INET6_ADDRSTRLEN];

		inet_ntop(a->family, a->group, group, sizeof(group));
		fprintf(stderr, "fence_vigil: no reply from %s%s%s:%u on %s within %u s: wrong key, "
			"or no fence daemon reachable (vigil-fenced, fence_virtd).\n",
			a->family == AF_INET6 ? "[" : "", group, a->family == AF_INET6 ? "]" : "",
			a->o.port, from, a->o.timeout_s);
		return EXIT_FAIL;
	}
	end = now_ms() + (gint64)a->o.timeout_s * 1000;
	r = challenge(a, fd, end);
	if (r == 0)
		r = vigil_xvm_io(fd, &result, 1, false, end);
	if (r == -EPERM)
		fprintf(stderr, "fence_vigil: the daemon that called back failed the challenge: it "
			"holds another key (or another auth than %s).\n",
			vigil_xvm_hash_name(a->o.auth));
	else if (r < 0)
		fprintf(stderr, "fence_vigil: the daemon's callback ended early (%s): check that "
			"auth=%s is what the daemon uses.\n", g_strerror(-r),
			vigil_xvm_hash_name(a->o.auth));
	code = r < 0 ? EXIT_FAIL : report(a, &req, result, fd, end);
	close(fd);
	return code;
}

/* ---- checks and main -------------------------------------------------------------------- */

static int resolve_group(agent *a)
{
	const char *g = a->o.group;

	if (g == NULL)
		g = a->o.family == AF_INET6 ? VIGIL_XVM_GROUP_V6 : VIGIL_XVM_GROUP_V4;
	if (inet_pton(AF_INET, g, a->group) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, g, a->group) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return a->o.family == 0 || a->o.family == a->family ? 0 : -EINVAL;
}

static bool needs_plug(vigil_xvm_op op)
{
	return op == VIGIL_XVM_OFF || op == VIGIL_XVM_ON || op == VIGIL_XVM_REBOOT ||
	       op == VIGIL_XVM_STATUS;
}

/* What makes the options unusable, said on standard error; 0 when none. */
static int validate(agent *a, vigil_xvm_op *ret_op)
{
	int r;

	if (vigil_xvm_op_parse(a->o.action, ret_op) < 0) {
		fprintf(stderr, "fence_vigil: unknown action '%s'; 'fence_vigil --help' lists "
			"them.\n", a->o.action);
		return -EINVAL;
	}
	if (needs_plug(*ret_op) && (a->o.plug == NULL || a->o.plug[0] == '\0')) {
		fprintf(stderr, "fence_vigil: %s needs the domain: give plug=NAME (-H NAME).\n",
			a->o.action);
		return -EINVAL;
	}
	if (resolve_group(a) < 0) {
		fprintf(stderr, "fence_vigil: multicast_address '%s' is not an address of "
			"ip_family %s.\n", a->o.group != NULL ? a->o.group : "",
			a->o.family == AF_INET ? "ipv4" : "ipv6");
		return -EINVAL;
	}
	if (a->o.hash == VIGIL_XVM_HASH_NONE && a->o.auth == VIGIL_XVM_HASH_NONE)
		return 0;
	r = vigil_xvm_key_load(a->o.key_file, &a->key, &a->key_len);
	if (r < 0)
		fprintf(stderr, "fence_vigil: cannot read the key %s: %s; give key_file= (the "
			"daemon's key, copied to this node).\n", a->o.key_file,
			r == -ENODATA ? "it is empty" : g_strerror(-r));
	return r;
}

int main(int argc, char **argv)
{
	agent a = { .listener = -1 };
	vigil_xvm_req req = { 0 };
	int r, code;

	r = fv_opts_read(argc, argv, stdin, stderr, &a.o);
	if (r != 0) {
		fv_opts_clear(&a.o);
		return r > 0 ? EXIT_ON : EXIT_FAIL;
	}
	if (strcmp(a.o.action, "metadata") == 0 || strcmp(a.o.action, "meta-data") == 0) {
		fputs(fv_metadata, stdout);
		fv_opts_clear(&a.o);
		return EXIT_ON;
	}
	if (strcmp(a.o.action, "validate-all") == 0) {
		g_free(a.o.action);
		a.o.action = g_strdup("monitor");
		code = validate(&a, &req.op) < 0 ? EXIT_FAIL : EXIT_ON;
	} else if (validate(&a, &req.op) < 0) {
		code = EXIT_FAIL;
	} else {
		if (a.o.delay_s > 0 && (req.op == VIGIL_XVM_OFF || req.op == VIGIL_XVM_ON ||
					req.op == VIGIL_XVM_REBOOT))
			g_usleep((gulong)a.o.delay_s * G_USEC_PER_SEC);
		req.hash = a.o.hash;
		req.flags = a.o.use_uuid ? 1 : 0;
		req.family = a.family;
		g_strlcpy(req.domain, needs_plug(req.op) ? a.o.plug : "", sizeof(req.domain));
		if (getrandom(req.random, sizeof(req.random), 0) < 0 ||
		    getrandom(&req.seqno, sizeof(req.seqno), 0) < 0)
			req.seqno = (uint32_t)g_get_real_time();
		a.sources = local_sources(a.family);
		code = run(&a, &req);
		g_array_unref(a.sources);
	}
	g_free(a.key);
	fv_opts_clear(&a.o);
	return code;
}
