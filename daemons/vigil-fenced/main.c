/* vigil-fenced: the command line (fence_virtd's flags: -F -f FILE -d LEVEL -p PIDFILE -w),
 * the listeners on GLib's main loop, logging. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <glib-unix.h>

#include "daemons/vigil-fenced/fenced.h"

static int debug_level;
static bool use_syslog;

void fenced_log(int prio, const char *fmt, ...)
{
	char when[32];
	struct timespec ts;
	struct tm tm;
	g_autofree char *msg = NULL;
	g_autofree char *line = NULL;
	va_list ap;

	if (prio == LOG_DEBUG && debug_level == 0)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
	line = g_strdup_printf("%s.%03ld vigil-fenced[%d]: %s\n", when, ts.tv_nsec / 1000000,
			       (int)getpid(), msg);
	(void)!write(STDERR_FILENO, line, strlen(line));
	if (use_syslog)
		syslog(prio, "%s", msg);
}

/* ---- listeners ------------------------------------------------------------------------------ */

typedef struct daemon_state {
	fenced_conf *conf;
	fenced *f;
	GMainLoop *loop;
	int fd;
} daemon_state;

static gboolean datagram_ready(gint fd, GIOCondition cond, gpointer user)
{
	daemon_state *s = user;
	uint8_t buf[1024];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char text[INET6_ADDRSTRLEN] = "?";
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
			     &len)) >= 0) {
		const void *a = from.ss_family == AF_INET ?
					(const void *)&((struct sockaddr_in *)&from)->sin_addr :
					(const void *)&((struct sockaddr_in6 *)&from)->sin6_addr;

		inet_ntop(from.ss_family, a, text, sizeof(text));
		fenced_datagram(s->f, buf, (size_t)n, text);
		len = sizeof(from);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean connection_ready(gint fd, GIOCondition cond, gpointer user)
{
	daemon_state *s = user;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char text[INET6_ADDRSTRLEN] = "?";
	int c;

	while ((c = accept4(fd, (struct sockaddr *)&from, &len, SOCK_CLOEXEC)) >= 0) {
		const void *a = from.ss_family == AF_INET ?
					(const void *)&((struct sockaddr_in *)&from)->sin_addr :
					(const void *)&((struct sockaddr_in6 *)&from)->sin6_addr;

		inet_ntop(from.ss_family, a, text, sizeof(text));
		/* the real peer: the groups judge it, not what its request says */
		fenced_connection(s->f, c, text);
		len = sizeof(from);
	}
	return G_SOURCE_CONTINUE;
}

static int bind_any(int fd, int family, const uint8_t *addr, unsigned port)
{
	if (family == AF_INET) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

		if (addr != NULL)
			memcpy(&a.sin_addr, addr, 4);
		return bind(fd, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
					  .sin6_port = htons((uint16_t)port) };

		if (addr != NULL)
			memcpy(&a.sin6_addr, addr, 16);
		return bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
}

/* Joins the group on the configured interface, or on every interface that can. */
static int join(int fd, const fenced_conf *c, const uint8_t *group)
{
	unsigned ifindex = c->interface != NULL ? if_nametoindex(c->interface) : 0;

	if (c->family == AF_INET) {
		struct ip_mreqn m = { .imr_ifindex = (int)ifindex };

		memcpy(&m.imr_multiaddr, group, 4);
		return setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
	} else {
		struct ipv6_mreq m = { .ipv6mr_interface = ifindex };

		memcpy(&m.ipv6mr_multiaddr, group, 16);
		return setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m));
	}
}

static int open_listener(const fenced_conf *c)
{
	bool tcp = strcmp(c->listener, "tcp") == 0;
	int fd = socket(c->family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	uint8_t addr[16];
	int one = 1;

	if (fd < 0)
		return -errno;
	inet_pton(c->family, c->address, addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* multicast: the port on every address, the group joined; tcp: the given address */
	if (bind_any(fd, c->family, tcp ? addr : NULL, c->port) < 0 ||
	    (tcp ? listen(fd, 64) : join(fd, c, addr)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* ---- main ---------------------------------------------------------------------------------- */

static gboolean on_signal(gpointer user)
{
	daemon_state *s = user;

	fenced_log(LOG_NOTICE, "stopping");
	g_main_loop_quit(s->loop);
	return G_SOURCE_REMOVE;
}

static int write_pidfile(const char *path)
{
	g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());
	g_autoptr(GError) err = NULL;

	if (!g_file_set_contents(path, text, -1, &err)) {
		fenced_log(LOG_ERR, "cannot write the pid file %s: %s; give another with -p.", path,
			   err->message);
		return -EIO;
	}
	return 0;
}

static void usage(FILE *to)
{
	fputs("usage: vigil-fenced [-F] [-f FILE] [-d LEVEL] [-p PIDFILE] [-w]\n"
	      "  -F          stay in the foreground\n"
	      "  -f FILE     the configuration (default /etc/fence_virt.conf)\n"
	      "  -d LEVEL    debug level (debug lines when > 0)\n"
	      "  -p PIDFILE  the pid file (default /run/vigil-fenced.pid)\n"
	      "  -w          accepted for fence_virtd's units (libvirt is always retried)\n", to);
}

int main(int argc, char **argv)
{
	const char *conf_path = "/etc/fence_virt.conf", *pidfile = "/run/vigil-fenced.pid";
	g_autofree char *error = NULL;
	daemon_state s = { .fd = -1 };
	fenced_backend *backend;
	bool foreground = false;
	int opt, r;

	while ((opt = getopt(argc, argv, "Ff:d:p:wh")) != -1) {
		switch (opt) {
		case 'F': foreground = true; break;
		case 'f': conf_path = optarg; break;
		case 'd': debug_level = atoi(optarg); break;
		case 'p': pidfile = optarg; break;
		case 'w': break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	r = fenced_conf_load(conf_path, &s.conf, &error);
	if (r < 0) {
		fprintf(stderr, "vigil-fenced: %s.\n", error);
		return 1;
	}
	s.fd = open_listener(s.conf);
	if (s.fd < 0) {
		fprintf(stderr, "vigil-fenced: cannot listen on %s port %u (%s): %s; check the "
			"listener's address and port.\n", s.conf->address, s.conf->port,
			s.conf->listener, g_strerror(-s.fd));
		fenced_conf_free(s.conf);
		return 1;
	}
	if (!foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "vigil-fenced: cannot go to the background: %s.\n", g_strerror(errno));
		return 1;
	}
	use_syslog = !foreground;
	if (use_syslog)
		openlog("vigil-fenced", LOG_PID, LOG_DAEMON);
	if (write_pidfile(pidfile) < 0)
		return 1;
	/* a libvirt connection whose daemon went away is written to once more before it is
	 * found dead: that must be an error to handle, not the end of this daemon */
	signal(SIGPIPE, SIG_IGN);
	backend = fenced_backend_new(s.conf->uris);
	s.f = fenced_new(s.conf, backend);
	s.loop = g_main_loop_new(NULL, FALSE);
	g_unix_fd_add(s.fd, G_IO_IN, strcmp(s.conf->listener, "tcp") == 0 ? connection_ready :
									     datagram_ready, &s);
	g_unix_signal_add(SIGTERM, on_signal, &s);
	g_unix_signal_add(SIGINT, on_signal, &s);
	fenced_log(LOG_NOTICE, "serving fence_xvm requests (%s %s:%u, hash %s, auth %s) for "
		   "libvirt at %u connection(s), first %s", s.conf->listener, s.conf->address,
		   s.conf->port, vigil_xvm_hash_name(s.conf->hash), vigil_xvm_hash_name(s.conf->auth),
		   s.conf->uris->len, (char *)s.conf->uris->pdata[0]);
	g_main_loop_run(s.loop);
	fenced_free(s.f);
	fenced_backend_free(backend);
	close(s.fd);
	unlink(pidfile);
	g_main_loop_unref(s.loop);
	fenced_conf_free(s.conf);
	return 0;
}
