/* vigil: the command people type. 'vigil status' is answered here, with the C library only,
 * from vigild's status socket (lib/ipc/status-socket.h): a program start and one read,
 * not the loading of libxml2, ICU, GLib and libqb that every other command needs. Every
 * other command, and 'vigil status' whenever the socket does not answer with the text (no
 * vigild, a vigild without it, a user who may not use the cluster), is the full CLI's:
 * this program becomes it (exec), so what it says and its exit codes are the same. The
 * socket counts only when root holds it (vigild runs as root): anyone may bind an abstract
 * name while vigild is down.
 *
 * The full CLI is, in order: $VIGIL_CLI; vigil-cli beside this program (the build tree);
 * PKGLIBEXECDIR/vigil-cli. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipc/status-socket.h"

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

/* The status text from the socket onto standard output. 1 when done; 0 when the socket
 * has nothing for us (the full CLI is to answer); -errno when the output failed. */
static int status_from_socket(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(VIGIL_STATUS_SOCKET));
	struct ucred peer;
	socklen_t peer_len = sizeof(peer);
	char buf[65536];
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 1;

	if (fd < 0)
		return 0;
	memcpy(a.sun_path + 1, VIGIL_STATUS_SOCKET, strlen(VIGIL_STATUS_SOCKET));
	/* an abstract name anyone may take while vigild is down: only root's is vigild's */
	if (connect(fd, (struct sockaddr *)&a, len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) < 0 || peer.uid != 0) {
		close(fd);
		return 0;
	}
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n <= 0 || buf[0] != VIGIL_STATUS_MARK) {
		close(fd);
		return 0;
	}
	r = put(buf + 1, (size_t)n - 1);
	while (r == 0) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r = put(buf, (size_t)n);
	}
	close(fd);
	return r < 0 ? r : 1;
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
	exec_full(argv);
	return 127;
}
