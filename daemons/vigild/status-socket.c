/* The status socket: 'vigil status' without libqb's IPC. An abstract unix socket of this
 * network namespace (VIGIL_STATUS_SOCKET); a client that connects gets the text of 'vigil
 * status', after one byte 'S', and the end of the stream. Whoever may not use the cluster
 * (lib/ipc: root and group haclient) is closed on without a byte: the client then asks
 * through the full CLI, which says why. It exists so that the command people run most
 * costs a program start and one read (cli/vigil-front.c), not the loading of the CLI's
 * libraries. Nothing here blocks vigild: writes are non-blocking, and a client that does
 * not read is dropped after STALL_MS. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemons/vigild/vigild.h"
#include "ipc/ipc.h"
#include "ipc/status-socket.h"
#include "mon/status.h"

#define STALL_MS 2000

typedef struct reader {
	int fd;
	GString *text;      /* what is left to write */
	gsize done;
	guint watch, timer;
} reader;

static void reader_free(reader *r)
{
	if (r->watch != 0)
		g_source_remove(r->watch);
	if (r->timer != 0)
		g_source_remove(r->timer);
	close(r->fd);
	g_string_free(r->text, TRUE);
	g_free(r);
}

static gboolean stalled(gpointer user)
{
	reader *r = user;

	r->timer = 0;
	reader_free(r);
	return G_SOURCE_REMOVE;
}

/* Writes what the socket takes; true while there is more. */
static bool write_some(reader *r)
{
	while (r->done < r->text->len) {
		ssize_t n = send(r->fd, r->text->str + r->done, r->text->len - r->done,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		r->done += (gsize)n;
	}
	return false;
}

static gboolean writable(gint fd, GIOCondition cond, gpointer user)
{
	reader *r = user;

	if (write_some(r))
		return G_SOURCE_CONTINUE;
	r->watch = 0;
	reader_free(r);
	return G_SOURCE_REMOVE;
}

static gboolean incoming(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	reader *r;

	if (c < 0)
		return G_SOURCE_CONTINUE;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !vigil_ipc_user_allowed(cred.uid, cred.gid)) {
		close(c); /* the full CLI says why */
		return G_SOURCE_CONTINUE;
	}
	r = g_new0(reader, 1);
	r->fd = c;
	r->text = g_string_new(NULL);
	g_string_append_c(r->text, VIGIL_STATUS_MARK);
	{
		g_autoptr(GVariant) history = g_variant_ref_sink(vigild_fencing_history(d));

		vigil_status_text(d->view, vigild_cib_current(d), history,
				  g_get_real_time() / G_USEC_PER_SEC, r->text);
	}
	if (!write_some(r)) {
		reader_free(r);
		return G_SOURCE_CONTINUE;
	}
	r->watch = g_unix_fd_add(c, G_IO_OUT, writable, r);
	r->timer = g_timeout_add(STALL_MS, stalled, r);
	return G_SOURCE_CONTINUE;
}

int vigild_status_socket_start(vigild *d)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(VIGIL_STATUS_SOCKET));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	/* abstract: a leading NUL, no file; one per network namespace, like libqb's */
	memcpy(a.sun_path + 1, VIGIL_STATUS_SOCKET, strlen(VIGIL_STATUS_SOCKET));
	if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 64) < 0) {
		int r = -errno;

		qb_log(LOG_WARNING, "no status socket (%s): 'vigil status' goes through the full "
		       "CLI", g_strerror(-r));
		close(fd);
		return r;
	}
	d->status_fd = fd;
	d->status_watch = g_unix_fd_add(fd, G_IO_IN, incoming, d);
	return 0;
}

void vigild_status_socket_stop(vigild *d)
{
	if (d->status_watch != 0)
		g_source_remove(d->status_watch);
	d->status_watch = 0;
	if (d->status_fd > 0)
		close(d->status_fd);
	d->status_fd = -1;
}
