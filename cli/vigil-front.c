/* vigil: the command people type. 'vigil status' and 'vigil node standby|unstandby NODE'
 * are done here, with the C library only, through vigild's front-end sockets
 * (lib/ipc/front-socket.h): a program start and one exchange, not the loading of libxml2,
 * ICU, GLib and libqb that every other command needs. Every other command, and those
 * whenever the socket does not answer with success (no vigild, a vigild without the
 * socket, a user who may not use the cluster, an unknown node, a cluster synchronizing...),
 * is the full CLI's: this program becomes it (exec), so what it says and its exit codes are
 * the same. A socket counts only when root holds it (vigild runs as root): anyone may bind
 * an abstract name while vigild is down.
 *
 * The full CLI is, in order: $VIGIL_CLI; vigil-cli beside this program (the build tree);
 * PKGLIBEXECDIR/vigil-cli. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipc/front-socket.h"

/* Writes all of BUF to standard output; 0 or -errno. */
static int put(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = write(STDOUT_FILENO, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A connection to vigild's socket NAME, or -1 (none, or not root's). */
static int connect_to(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	struct ucred peer;
	socklen_t peer_len = sizeof(peer);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(a.sun_path + 1, name, strlen(name));
	/* an abstract name anyone may take while vigild is down: only root's is vigild's */
	if (connect(fd, (struct sockaddr *)&a, len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) < 0 || peer.uid != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What FD sends next (at most N bytes; 0 at its end), or -1. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	ssize_t k;

	do {
		k = read(fd, buf, n);
	} while (k < 0 && errno == EINTR);
	return k;
}

/* The status text from the socket onto standard output. 1 when done; 0 when the socket
 * has nothing for us (the full CLI is to answer); -errno when the output failed. */
static int status_from_socket(void)
{
	char buf[65536];
	ssize_t n;
	int fd = connect_to(VIGIL_STATUS_SOCKET);
	int r = 1;

	if (fd < 0)
		return 0;
	n = read_some(fd, buf, sizeof(buf));
	if (n <= 0 || buf[0] != VIGIL_STATUS_MARK) {
		close(fd);
		return 0;
	}
	r = put(buf + 1, (size_t)n - 1);
	while (r == 0 && (n = read_some(fd, buf, sizeof(buf))) > 0)
		r = put(buf, (size_t)n);
	close(fd);
	return r < 0 ? r : 1;
}

/* WORDS (N of them) done by vigild's command socket: true once the cluster has applied
 * them; false when the full CLI is to run them. */
static bool command_on_socket(char **words, int n)
{
	char req[VIGIL_COMMAND_MAX], mark = 0;
	size_t len = 0;
	int fd;

	for (int i = 0; i < n; i++) {
		size_t k = strlen(words[i]) + 1;

		if (words[i][0] == '-' || len + k + 1 > sizeof(req))
			return false; /* options are the full CLI's */
		memcpy(req + len, words[i], k);
		len += k;
	}
	req[len++] = '\0';
	if ((fd = connect_to(VIGIL_COMMAND_SOCKET)) < 0)
		return false;
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len || read_some(fd, &mark, 1) != 1)
		mark = 0;
	close(fd);
	return mark == VIGIL_COMMAND_DONE;
}

static void exec_full(char **argv)
{
	const char *env = getenv("VIGIL_CLI");
	char self[PATH_MAX], beside[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (env != NULL && *env != '\0')
		execv(env, argv);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(beside, sizeof(beside), "%s/vigil-cli", self);
			if (access(beside, X_OK) == 0)
				execv(beside, argv);
		}
	}
	execv(PKGLIBEXECDIR "/vigil-cli", argv);
	fprintf(stderr, "vigil: cannot run the CLI %s/vigil-cli (%s); reinstall vigil, or set "
		"VIGIL_CLI to its path.\n", PKGLIBEXECDIR, strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "status") == 0) {
		int r = status_from_socket();

		if (r > 0)
			return 0;
		if (r < 0) {
			fprintf(stderr, "vigil status: cannot write the status: %s.\n",
				strerror(-r));
			return 1;
		}
	}
	if (argc == 4 && strcmp(argv[1], "node") == 0 &&
	    (strcmp(argv[2], "standby") == 0 || strcmp(argv[2], "unstandby") == 0) &&
	    command_on_socket(argv + 1, 3))
		return 0;
	exec_full(argv);
	return 127;
}
