#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <qb/qbipcc.h>

#include "ipc/ipc.h"

/* ---- messages ------------------------------------------------------------------------- */

/* VALUE (NULL: "()") boxed in a "v" and serialized. */
static GBytes *payload(GVariant *value)
{
	g_autoptr(GVariant) boxed = NULL;

	boxed = g_variant_ref_sink(g_variant_new_variant(value != NULL ? value :
							  g_variant_new("()")));
	return g_variant_get_data_as_bytes(boxed);
}

/* The value inside the "v" serialized in DATA, SIZE; NULL if it is not one. */
static GVariant *unpayload(const void *data, size_t size)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, size);
	g_autoptr(GVariant) boxed = NULL;

	boxed = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE_VARIANT, bytes,
							    FALSE));
	/* a "v" in non-normal form can hide a value of another type than it says */
	if (!g_variant_is_normal_form(boxed))
		return NULL;
	return g_variant_get_variant(boxed);
}

int vigil_ipc_parse_request(const void *data, size_t size, int32_t *ret_id,
			    GVariant **ret_args)
{
	struct qb_ipc_request_header h;
	GVariant *args;

	if (size < sizeof(h))
		return -EPROTO;
	memcpy(&h, data, sizeof(h)); /* DATA need not be aligned for it */
	if (h.size < 0 || (size_t)h.size != size)
		return -EPROTO;
	args = unpayload((const char *)data + sizeof(h), size - sizeof(h));
	if (args == NULL)
		return -EPROTO;
	*ret_id = h.id;
	*ret_args = args;
	return 0;
}

int vigil_ipc_reply(qb_ipcs_connection_t *c, int32_t id, int32_t error, GVariant *reply)
{
	g_autoptr(GBytes) body = payload(error == 0 ? reply : NULL);
	struct qb_ipc_response_header h = { 0 };
	struct iovec iov[2];
	ssize_t sent;

	h.id = id;
	h.error = error;
	h.size = (int32_t)(sizeof(h) + g_bytes_get_size(body));
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ (void *)g_bytes_get_data(body, NULL), g_bytes_get_size(body) };
	sent = qb_ipcs_response_sendv(c, iov, 2);
	return sent < 0 ? (int)sent : 0;
}

/* ---- client --------------------------------------------------------------------------- */

/* A command often makes two calls (it reads the CIB, then writes it): one connection
 * serves them all, which saves a connection's setup (a few ms) per call. */
static qb_ipcc_connection_t *kept;
static char *kept_service;

static void drop_kept(void)
{
	if (kept != NULL)
		qb_ipcc_disconnect(kept);
	kept = NULL;
	g_clear_pointer(&kept_service, g_free);
}

qb_ipcc_connection_t *vigil_ipc_connect(const char *service, int *ret_error)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(service, VIGIL_IPC_MAX_MSG);
	pid_t pid = 0;
	uid_t uid = 0;
	gid_t gid = 0;

	if (c == NULL) {
		*ret_error = errno == EACCES || errno == EPERM ? -EACCES : -ECONNREFUSED;
		return NULL;
	}
	/* anyone may offer a name while vigild is down: only root's service is vigild's */
	if (qb_ipcc_auth_get(c, &pid, &uid, &gid) < 0 || uid != 0) {
		qb_ipcc_disconnect(c);
		*ret_error = -EPERM;
		return NULL;
	}
	return c;
}

static qb_ipcc_connection_t *connection_to(const char *service, int *ret_error)
{
	static bool registered;

	if (kept != NULL && g_strcmp0(kept_service, service) == 0 && qb_ipcc_is_connected(kept))
		return kept;
	drop_kept();
	kept = vigil_ipc_connect(service, ret_error);
	if (kept == NULL)
		return NULL;
	kept_service = g_strdup(service);
	if (!registered) {
		atexit(drop_kept);
		registered = true;
	}
	return kept;
}

int vigil_ipc_call(const char *service, int32_t id, GVariant *args, int timeout_ms,
		   GVariant **ret_reply)
{
	g_autoptr(GVariant) sunk = args != NULL ? g_variant_ref_sink(args) : NULL;
	g_autoptr(GBytes) body = payload(sunk);
	g_autofree char *buf = g_malloc(VIGIL_IPC_MAX_MSG);
	struct qb_ipc_request_header h = { 0 };
	const struct qb_ipc_response_header *r = (const void *)buf;
	qb_ipcc_connection_t *c;
	struct iovec iov[2];
	GVariant *reply;
	ssize_t got;
	int err = 0;

	if (sizeof(h) + g_bytes_get_size(body) > VIGIL_IPC_MAX_MSG)
		return -EMSGSIZE;
	c = connection_to(service, &err);
	if (c == NULL)
		return err;
	h.id = id;
	h.size = (int32_t)(sizeof(h) + g_bytes_get_size(body));
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ (void *)g_bytes_get_data(body, NULL), g_bytes_get_size(body) };
	got = qb_ipcc_sendv_recv(c, iov, 2, buf, VIGIL_IPC_MAX_MSG, timeout_ms);
	if (got < 0)
		drop_kept(); /* a reply that did not come must not be read by the next call */
	if (got == -ETIMEDOUT || got == -EAGAIN)
		return -ETIMEDOUT;
	if (got < 0)
		return got == -EACCES || got == -EPERM ? -EACCES : -ECONNREFUSED;
	if ((size_t)got < sizeof(*r) || r->size != got || r->id != id)
		return -EPROTO;
	if (r->error != 0)
		return r->error < 0 ? r->error : -EPROTO;
	reply = unpayload(buf + sizeof(*r), (size_t)got - sizeof(*r));
	if (reply == NULL)
		return -EPROTO;
	*ret_reply = reply;
	return 0;
}

/* ---- server: libqb on GLib's main loop ------------------------------------------------ */

typedef struct fd_watch {
	guint source;
	int32_t fd;
	void *data;
	qb_ipcs_dispatch_fn_t fn;
} fd_watch;

static GHashTable *watches; /* fd -> fd_watch*, main thread only */

static gboolean watch_ready(gint fd, GIOCondition cond, gpointer user)
{
	fd_watch *w = user;
	int32_t r = w->fn(fd, (int32_t)cond, w->data);

	/* the callback may have removed or replaced this watch itself */
	if (g_hash_table_lookup(watches, GINT_TO_POINTER(fd)) != w)
		return G_SOURCE_REMOVE;
	if (r < 0) {
		g_hash_table_steal(watches, GINT_TO_POINTER(fd));
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static int glib_priority(enum qb_loop_priority p)
{
	return p == QB_LOOP_HIGH ? G_PRIORITY_HIGH : p == QB_LOOP_LOW ? G_PRIORITY_LOW :
								       G_PRIORITY_DEFAULT;
}

static int32_t dispatch_del(int32_t fd)
{
	fd_watch *w = g_hash_table_lookup(watches, GINT_TO_POINTER(fd));

	if (w == NULL)
		return -ENOENT;
	g_hash_table_steal(watches, GINT_TO_POINTER(fd));
	g_source_remove(w->source); /* frees W, after a dispatch in progress */
	return 0;
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	fd_watch *w = g_new0(fd_watch, 1);

	if (watches == NULL)
		watches = g_hash_table_new(NULL, NULL);
	dispatch_del(fd);
	w->fd = fd;
	w->data = data;
	w->fn = fn;
	w->source = g_unix_fd_add_full(glib_priority(p), fd, (GIOCondition)events, watch_ready,
				       w, g_free);
	g_hash_table_insert(watches, GINT_TO_POINTER(fd), w);
	return 0;
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return dispatch_add(p, fd, events, data, fn);
}

typedef struct job {
	void *data;
	qb_loop_job_dispatch_fn fn;
} job;

static gboolean job_run(gpointer user)
{
	job *j = user;

	j->fn(j->data);
	return G_SOURCE_REMOVE;
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	job *j = g_new0(job, 1);

	j->data = data;
	j->fn = fn;
	g_idle_add_full(glib_priority(p), job_run, j, g_free);
	return 0;
}

void vigil_ipc_glib_handlers(struct qb_ipcs_poll_handlers *ret)
{
	*ret = (struct qb_ipcs_poll_handlers){ .job_add = job_add, .dispatch_add = dispatch_add,
					       .dispatch_mod = dispatch_mod,
					       .dispatch_del = dispatch_del };
}

/* ---- who may connect ------------------------------------------------------------------ */

bool vigil_ipc_user_allowed(uid_t uid, gid_t gid)
{
	g_autofree gid_t *groups = NULL;
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char pwbuf[4096], grbuf[4096];
	int n = 64;

	if (uid == 0)
		return true;
	if (getgrnam_r(VIGIL_IPC_GROUP, &gr, grbuf, sizeof(grbuf), &grp) != 0 || grp == NULL)
		return false;
	if (gid == grp->gr_gid)
		return true;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 || pwp == NULL)
		return false;
	groups = g_new(gid_t, n);
	if (getgrouplist(pwp->pw_name, pwp->pw_gid, groups, &n) < 0) {
		g_free(groups);
		groups = g_new(gid_t, n);
		if (getgrouplist(pwp->pw_name, pwp->pw_gid, groups, &n) < 0)
			return false;
	}
	for (int i = 0; i < n; i++)
		if (groups[i] == grp->gr_gid)
			return true;
	return false;
}

GPtrArray *vigil_front_request_words(const char *buf, size_t len)
{
	g_autoptr(GPtrArray) w = g_ptr_array_new();

	for (size_t at = 0; at < len; ) {
		size_t n = strnlen(buf + at, len - at);

		if (at + n == len)
			break; /* a word not ended yet */
		if (n == 0)
			return g_steal_pointer(&w); /* the empty word ends the request */
		g_ptr_array_add(w, (char *)buf + at);
		at += n + 1;
	}
	return NULL;
}
