/* The front end's sockets (lib/ipc/front-socket.h): the commands people run most, at the
 * cost of a program start and one exchange (cli/vigil-front.c) instead of the loading of the
 * full CLI's libraries.
 * - The status socket: a client that connects gets the text of 'vigil status'.
 * - The command socket: 'vigil node standby|unstandby NODE', the change proposed to the
 *   members here and answered once they have applied it. Anything else, and any failure,
 *   is answered "to the full CLI", which does it (or says what is wrong) in its own words;
 *   nothing is changed then.
 * Only root and group haclient (lib/ipc) are served. Nothing here blocks vigild: reads and
 * writes are non-blocking, and a client that stalls is dropped after STALL_MS. */
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
#include "ipc/front-socket.h"
#include "ipc/ipc.h"
#include "mon/status.h"

#define STALL_MS 2000

struct vigild_front {
	int status_fd, command_fd;
	guint status_watch, command_watch;
	GPtrArray *waiting; /* of command*: proposed, the members' decision not yet in */
};

/* ---- writing a reply ------------------------------------------------------------------ */

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

/* Sends TEXT on FD (taken) and closes it, in the background. */
static void reply(int fd, GString *text)
{
	reader *r = g_new0(reader, 1);

	r->fd = fd;
	r->text = text;
	if (!write_some(r)) {
		reader_free(r);
		return;
	}
	r->watch = g_unix_fd_add(fd, G_IO_OUT, writable, r);
	r->timer = g_timeout_add(STALL_MS, stalled, r);
}

/* An accepted client of LISTEN_FD that may use the cluster, or -1. */
static int accept_allowed(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (c < 0)
		return -1;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !vigil_ipc_user_allowed(cred.uid, cred.gid)) {
		close(c); /* the full CLI says why */
		return -1;
	}
	return c;
}

/* ---- the status socket ---------------------------------------------------------------- */

static gboolean status_incoming(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;
	g_autoptr(GVariant) history = NULL;
	GString *text;
	int c = accept_allowed(fd);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	text = g_string_new(NULL);
	g_string_append_c(text, VIGIL_STATUS_MARK);
	history = g_variant_ref_sink(vigild_fencing_history(d));
	vigil_status_text(d->view, vigild_cib_current(d), history,
			  g_get_real_time() / G_USEC_PER_SEC, text);
	reply(c, text);
	return G_SOURCE_CONTINUE;
}

/* ---- the command socket --------------------------------------------------------------- */

typedef struct command {
	vigild *d;
	int fd;
	char buf[VIGIL_COMMAND_MAX];
	size_t len;
	guint watch, timer;
} command;

static void command_free(command *k)
{
	if (k->watch != 0)
		g_source_remove(k->watch);
	if (k->timer != 0)
		g_source_remove(k->timer);
	if (k->fd >= 0)
		close(k->fd);
	g_free(k);
}

/* Answers K with MARK and forgets it. */
static void command_reply(command *k, char mark)
{
	GString *text = g_string_new(NULL);

	g_string_append_c(text, mark);
	reply(k->fd, text);
	k->fd = -1;
	command_free(k);
}

/* Takes K off the list of those waiting for a decision: false if it is not there (the
 * sockets are closed, and so is K). */
static bool unwait(vigild *d, command *k)
{
	guint at;

	if (d->front == NULL || !g_ptr_array_find(d->front->waiting, k, &at))
		return false;
	g_ptr_array_steal_index_fast(d->front->waiting, at);
	return true;
}

static void decided(vigild *d, int result, void *user)
{
	command *k = user;

	if (unwait(d, k))
		command_reply(k, result == 0 ? VIGIL_COMMAND_DONE : VIGIL_COMMAND_FULL_CLI);
}

/* Proposes what K asks for: 0 (the decision follows), or -errno (the full CLI runs it). */
static int command_run(command *k, GPtrArray *w)
{
	const char *verb;

	if (w->len != 3 || strcmp(g_ptr_array_index(w, 0), "node") != 0)
		return -EOPNOTSUPP;
	verb = g_ptr_array_index(w, 1);
	if (strcmp(verb, "standby") != 0 && strcmp(verb, "unstandby") != 0)
		return -EOPNOTSUPP;
	return vigild_cib_node_attr(k->d, g_ptr_array_index(w, 2), "standby",
				    strcmp(verb, "standby") == 0 ? "on" : NULL, decided, k);
}

static gboolean command_readable(gint fd, GIOCondition cond, gpointer user)
{
	command *k = user;
	g_autoptr(GPtrArray) w = NULL;
	ssize_t n = recv(fd, k->buf + k->len, sizeof(k->buf) - k->len, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n > 0)
		k->len += (size_t)n;
	if ((w = vigil_front_request_words(k->buf, k->len)) == NULL) {
		if (n > 0 && k->len < sizeof(k->buf))
			return G_SOURCE_CONTINUE;
		k->watch = 0; /* ended, failed or too long before the request was whole */
		command_free(k);
		return G_SOURCE_REMOVE;
	}
	k->watch = 0;
	g_source_remove(k->timer);
	k->timer = 0;
	g_ptr_array_add(k->d->front->waiting, k); /* before: the decision may come at once */
	if (command_run(k, w) < 0 && unwait(k->d, k))
		command_reply(k, VIGIL_COMMAND_FULL_CLI);
	return G_SOURCE_REMOVE;
}

static gboolean command_stalled(gpointer user)
{
	command *k = user;

	k->timer = 0;
	command_free(k);
	return G_SOURCE_REMOVE;
}

static gboolean command_incoming(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;
	command *k;
	int c = accept_allowed(fd);

	if (c < 0)
		return G_SOURCE_CONTINUE;
	k = g_new0(command, 1);
	k->d = d;
	k->fd = c;
	k->watch = g_unix_fd_add(c, G_IO_IN, command_readable, k);
	k->timer = g_timeout_add(STALL_MS, command_stalled, k);
	return G_SOURCE_CONTINUE;
}

/* ---- start and stop ------------------------------------------------------------------- */

/* A listening socket on abstract NAME, served by FN; -errno when it cannot be had. */
static int listen_on(vigild *d, const char *name, GUnixFDSourceFunc fn, int *ret_fd,
		     guint *ret_watch)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	/* abstract: a leading NUL, no file; one per network namespace, like libqb's */
	memcpy(a.sun_path + 1, name, strlen(name));
	if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 64) < 0) {
		int r = -errno;

		qb_log(LOG_WARNING, "no socket @%s (%s): the commands it serves go through the "
		       "full CLI", name, g_strerror(-r));
		close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_watch = g_unix_fd_add(fd, G_IO_IN, fn, d);
	return 0;
}

void vigild_front_start(vigild *d)
{
	struct vigild_front *f = g_new0(struct vigild_front, 1);

	f->status_fd = f->command_fd = -1;
	f->waiting = g_ptr_array_new_with_free_func((GDestroyNotify)command_free);
	d->front = f;
	listen_on(d, VIGIL_STATUS_SOCKET, status_incoming, &f->status_fd, &f->status_watch);
	listen_on(d, VIGIL_COMMAND_SOCKET, command_incoming, &f->command_fd, &f->command_watch);
}

void vigild_front_stop(vigild *d)
{
	struct vigild_front *f = d->front;

	if (f == NULL)
		return;
	if (f->status_watch != 0)
		g_source_remove(f->status_watch);
	if (f->command_watch != 0)
		g_source_remove(f->command_watch);
	if (f->status_fd >= 0)
		close(f->status_fd);
	if (f->command_fd >= 0)
		close(f->command_fd);
	g_ptr_array_unref(f->waiting);
	g_clear_pointer(&d->front, g_free);
}
