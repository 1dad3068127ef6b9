/* vigild's copy of the replicated CIB: kept in the durable store, agreed with the other
 * members through lib/cluster/cibsync.c, changed by local clients' requests. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <qb/qbipcs.h>
#include <qb/qblog.h>

#include "cib/inject.h"
#include "cib/schema.h"
#include "cib/store.h"
#include "cib/verify.h"
#include "cluster/cibsync.h"
#include "daemons/vigild/vigild.h"
#include "ipc/ipc.h"

/* What a node that has never held a CIB starts from: empty, and older than any other. */
static const char empty_cib[] =
	"<cib admin_epoch=\"0\" epoch=\"0\" num_updates=\"0\" validate-with=\"pacemaker-3.9\" "
	"crm_feature_set=\"3.16.2\"><configuration><crm_config/><nodes/><resources/>"
	"<constraints/></configuration><status/></cib>\n";

/* A proposal waiting for the members' decision: a client's, answered over IPC, or the
 * daemon's own, answered by a callback. */
typedef struct pending {
	qb_ipcs_connection_t *conn; /* a reference, until the reply */
	int32_t ipc_id;
	GVariant *reply;            /* what to answer on success; NULL: the new version */
	vigild_cib_decided_fn fn;
	void *user;
} pending;

/* The store is written by a thread of its own, so that its fsync()s never hold the main
 * loop (a plan, an action) back: the newest agreed copy waits in UNSAVED, an older one
 * not yet written is simply replaced (the cluster's copy wins on the next join anyway). */
typedef struct store_writer {
	GMutex lock;
	GCond wake;
	GBytes *unsaved;      /* the newest copy not yet written, or NULL */
	bool quit;
	GThread *thread;
} store_writer;

struct vigild_cib {
	vigil_store *store;   /* the writer thread's while it runs */
	store_writer writer;
	vigil_cibsync *sync;
	vigil_cib *cib;       /* the agreed copy, parsed */
	GBytes *loaded;       /* what the store held at start, until the group is joined */
	GHashTable *pending;  /* request number -> pending* */
};

static void pending_free(pending *p)
{
	if (p->conn != NULL)
		qb_ipcs_connection_unref(p->conn);
	if (p->reply != NULL)
		g_variant_unref(p->reply);
	g_free(p);
}

static char *version_text(const vigil_cib_version *v)
{
	return g_strdup_printf("%" PRIu64 ".%" PRIu64 ".%" PRIu64, v->admin_epoch, v->epoch,
			       v->num_updates);
}

/* Reads DATA; VALIDATE: against the schema too. Only what comes from outside the agreement
 * is validated (a client's new CIB, a change made here): a copy the members agreed on was
 * validated where it was made, and the store holds only such copies (a digest guards each).
 * The compiled schema (0.6 MiB of heap) is freed after each use, so members that only
 * adopt never hold it. The reader without the schema takes any XML safely and reads a
 * valid CIB as the reader with it does (fuzzed: tests/fuzz/fuzz-cib-load.c). */
static int parse(const char *data, size_t len, const char *name, bool validate,
		 vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	int r = validate ? vigil_cib_parse(data, len, name, diags, ret_cib) :
		vigil_cib_parse_unvalidated(data, len, name, diags, ret_cib);

	if (validate)
		vigil_schema_release(); /* compiled again at the next change (1 ms) */

	for (guint i = 0; r < 0 && i < diags->len; i++) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		qb_log(LOG_ERR, "%s:%u: %s", name, d->line, d->message);
	}
	return r;
}

/* ---- the store, written in the background --------------------------------------------- */

static gboolean report_store_error(gpointer user)
{
	int r = GPOINTER_TO_INT(user);

	qb_log(LOG_ERR, "cannot write the CIB to the store (%s); this node keeps it in memory "
	       "only until a write succeeds: check the state directory's disk.", g_strerror(-r));
	return G_SOURCE_REMOVE;
}

static gpointer writer_main(gpointer user)
{
	struct vigild_cib *c = user;
	store_writer *w = &c->writer;

	g_mutex_lock(&w->lock);
	for (;;) {
		g_autoptr(GBytes) b = NULL;
		gsize len;
		const char *data;
		int r;

		while (w->unsaved == NULL && !w->quit)
			g_cond_wait(&w->wake, &w->lock);
		if (w->unsaved == NULL)
			break; /* asked to end, and everything is written */
		b = g_steal_pointer(&w->unsaved);
		g_mutex_unlock(&w->lock);
		data = g_bytes_get_data(b, &len);
		r = vigil_store_write(c->store, data, len);
		if (r < 0)
			g_main_context_invoke(NULL, report_store_error, GINT_TO_POINTER(r));
		g_mutex_lock(&w->lock);
	}
	g_mutex_unlock(&w->lock);
	return NULL;
}

static void store_later(struct vigild_cib *c, const char *data, size_t len)
{
	store_writer *w = &c->writer;

	g_mutex_lock(&w->lock);
	g_clear_pointer(&w->unsaved, g_bytes_unref);
	w->unsaved = g_bytes_new(data, len);
	g_cond_signal(&w->wake);
	g_mutex_unlock(&w->lock);
}

/* Writes what is still unsaved and ends the writer. */
static void writer_stop(struct vigild_cib *c)
{
	store_writer *w = &c->writer;

	if (w->thread == NULL)
		return;
	g_mutex_lock(&w->lock);
	w->quit = true;
	g_cond_signal(&w->wake);
	g_mutex_unlock(&w->lock);
	g_thread_join(g_steal_pointer(&w->thread));
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->wake);
}

/* ---- callbacks of the replication ----------------------------------------------------- */

static int send_cb(void *ctx, const uint8_t *buf, size_t len)
{
	return vigild_corosync_send(ctx, buf, len);
}

static void adopt_cb(void *ctx, const char *data, size_t len, const vigil_cib_version *v)
{
	vigild *d = ctx;
	g_autoptr(vigil_cib) cib = NULL;
	g_autofree char *ver = version_text(v);

	store_later(d->cib, data, len);
	/* the member that made it validated it; refusing it here would make this copy differ
	 * from the others', so a copy that does not parse is kept as bytes */
	if (parse(data, len, "the agreed CIB", false, &cib) == 0) {
		vigil_cib_free(d->cib->cib);
		d->cib->cib = g_steal_pointer(&cib);
	}
	qb_log(LOG_NOTICE, "CIB: now at version %s", ver);
	vigild_ipc_notify(d);
	vigild_ctl_cib_changed(d);
	vigild_shutdown_check(d);
	vigild_trim_later(d);
}

static void decided_cb(void *ctx, uint64_t request, int result)
{
	vigild *d = ctx;
	pending *p = g_hash_table_lookup(d->cib->pending, &request);
	vigil_cib_version v;

	if (p == NULL)
		return;
	vigil_cibsync_current(d->cib->sync, NULL, &v);
	if (p->conn != NULL)
		vigil_ipc_reply(p->conn, p->ipc_id, result,
				result != 0 ? NULL : p->reply != NULL ? p->reply :
				g_variant_new("(ttt)", v.admin_epoch, v.epoch, v.num_updates));
	else
		p->fn(d, result, p->user);
	g_hash_table_remove(d->cib->pending, &request);
}

static const vigil_cibsync_ops sync_ops = { send_cb, adopt_cb, decided_cb };

/* ---- start and stop ------------------------------------------------------------------- */

/* The stored CIB, or the empty one when there is none yet. */
static int load_stored(vigild *d, char **ret_data, size_t *ret_len)
{
	int r = vigil_store_read(d->cib->store, ret_data, ret_len);

	if (r == -ENOENT) {
		qb_log(LOG_INFO, "no CIB in %s yet: starting from an empty one; the cluster's "
		       "copy replaces it when this node joins.", d->state_dir);
		*ret_data = g_strdup(empty_cib);
		*ret_len = strlen(empty_cib);
		return 0;
	}
	if (r == -EBADMSG)
		qb_log(LOG_ERR, "the CIB in %s is corrupted (it does not match its digest); "
		       "move %s away to take the cluster's copy, or restore an older one "
		       "(cib.xml.1 ...).", d->state_dir, vigil_store_path(d->cib->store),
		       vigil_store_path(d->cib->store));
	else if (r < 0)
		qb_log(LOG_ERR, "cannot read the CIB in %s: %s.", d->state_dir, g_strerror(-r));
	return r;
}

int vigild_cib_start(vigild *d)
{
	g_autofree char *data = NULL;
	size_t len = 0;
	int r;

	d->cib = g_new0(struct vigild_cib, 1);
	d->cib->pending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
						(GDestroyNotify)pending_free);
	r = vigil_store_open(d->state_dir, 10, &d->cib->store);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot open the CIB store %s: %s; check --state-dir.",
		       d->state_dir, g_strerror(-r));
		return r;
	}
	if ((r = load_stored(d, &data, &len)) < 0)
		return r;
	if (parse(data, len, vigil_store_path(d->cib->store), false, &d->cib->cib) < 0) {
		qb_log(LOG_ERR, "the stored CIB %s is not a valid CIB; fix it ('vigil config "
		       "verify -x %s') or move it away to take the cluster's copy.",
		       vigil_store_path(d->cib->store), vigil_store_path(d->cib->store));
		return -EPROTO;
	}
	d->cib->loaded = g_bytes_new_take(g_steal_pointer(&data), len);
	g_mutex_init(&d->cib->writer.lock);
	g_cond_init(&d->cib->writer.wake);
	d->cib->writer.thread = g_thread_new("cib-store", writer_main, d->cib);
	return 0;
}

void vigild_cib_joined(vigild *d, uint32_t nodeid)
{
	gsize len;
	const char *data = g_bytes_get_data(d->cib->loaded, &len);

	d->cib->sync = vigil_cibsync_new(nodeid, data, len, &d->cib->cib->version, &sync_ops, d);
	g_clear_pointer(&d->cib->loaded, g_bytes_unref);
}

void vigild_cib_stop(vigild *d)
{
	if (d->cib == NULL)
		return;
	writer_stop(d->cib);
	g_clear_pointer(&d->cib->pending, g_hash_table_unref);
	g_clear_pointer(&d->cib->sync, vigil_cibsync_free);
	g_clear_pointer(&d->cib->loaded, g_bytes_unref);
	g_clear_pointer(&d->cib->cib, vigil_cib_free);
	g_clear_pointer(&d->cib->store, vigil_store_free);
	g_clear_pointer(&d->cib, g_free);
}

/* ---- from the group ------------------------------------------------------------------- */

void vigild_cib_membership(vigild *d, const uint32_t *members, size_t n)
{
	vigil_cibsync_membership(d->cib->sync, members, n);
}

void vigild_cib_deliver(vigild *d, uint32_t sender, const void *msg, size_t len)
{
	if (vigil_cibsync_deliver(d->cib->sync, sender, msg, len) < 0)
		qb_log(LOG_WARNING, "ignored a malformed message from node %" PRIu32 ".", sender);
}

/* ---- for the rest of the daemon -------------------------------------------------------- */

const vigil_cib *vigild_cib_current(vigild *d)
{
	return d->cib != NULL ? d->cib->cib : NULL;
}

bool vigild_cib_synced(vigild *d)
{
	return d->cib != NULL && d->cib->sync != NULL && vigil_cibsync_synced(d->cib->sync);
}

int vigild_cib_copy(vigild *d, vigil_cib **ret_cib)
{
	size_t len;
	const char *data = vigil_cibsync_current(d->cib->sync, &len, NULL);

	return parse(data, len, "the agreed CIB", false, ret_cib);
}

static void add_pending(vigild *d, uint64_t request, pending *p)
{
	g_hash_table_insert(d->cib->pending, g_memdup2(&request, sizeof(request)), p);
}

/* Proposes TEXT, of version V; P waits for the decision (freed here if nothing could be
 * proposed). */
static int propose_text(vigild *d, const char *text, size_t len, const vigil_cib_version *v,
			pending *p)
{
	uint64_t request;
	int r = vigil_cibsync_propose(d->cib->sync, text, len, v, &request);

	if (r < 0) {
		pending_free(p);
		return r;
	}
	add_pending(d, request, p);
	return 0;
}

/* Proposes NEXT, written out; P as above. */
static int propose(vigild *d, const vigil_cib *next, pending *p)
{
	g_autofree char *text = NULL;
	size_t len = 0;
	int r = vigil_cib_to_xml(next, &text, &len);

	if (r < 0) {
		pending_free(p);
		return r;
	}
	return propose_text(d, text, len, &next->version, p);
}

/* The daemon's own proposal waiting for the decision, which FN gets. */
static pending *own_pending(vigild_cib_decided_fn fn, void *user)
{
	pending *p = g_new0(pending, 1);

	p->fn = fn;
	p->user = user;
	return p;
}

int vigild_cib_propose(vigild *d, const vigil_cib *next, vigild_cib_decided_fn fn, void *user)
{
	return propose(d, next, own_pending(fn, user));
}

/* A client's request waiting for the decision; REPLY (NULL: the new version) answers it. */
static pending *client_pending(qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *reply)
{
	pending *p = g_new0(pending, 1);

	p->conn = c;
	p->ipc_id = ipc_id;
	p->reply = reply != NULL ? g_variant_ref_sink(reply) : NULL;
	qb_ipcs_connection_ref(c);
	return p;
}

/* ---- from local clients --------------------------------------------------------------- */

GVariant *vigild_cib_query(vigild *d)
{
	vigil_cib_version v;
	size_t len;
	const char *data = vigil_cibsync_current(d->cib->sync, &len, &v);
	g_autofree char *text = g_strndup(data, len);

	return g_variant_new("(tttbs)", v.admin_epoch, v.epoch, v.num_updates,
			     vigil_cibsync_synced(d->cib->sync), text);
}

/* ARGS "(ttts)": the version the client read, and the CIB whose configuration replaces the
 * cluster's. The reply comes when the members have decided. */
int vigild_cib_replace(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args)
{
	g_autoptr(vigil_cib) next = NULL, current = NULL;
	vigil_cib_version base, now;
	const char *xml;

	if (!g_variant_is_of_type(args, G_VARIANT_TYPE("(ttts)")))
		return -EPROTO;
	g_variant_get(args, "(ttt&s)", &base.admin_epoch, &base.epoch, &base.num_updates, &xml);
	vigil_cibsync_current(d->cib->sync, NULL, &now);
	/* only a change of the configuration (its epoch) since the client read it conflicts:
	 * the status, which num_updates counts, is the cluster's and is kept */
	if (base.admin_epoch != now.admin_epoch || base.epoch != now.epoch)
		return -ESTALE;
	if (parse(xml, strlen(xml), "the new CIB", true, &next) < 0)
		return -EINVAL;
	/* the new configuration, the cluster's status, and the next epoch after both the
	 * cluster's version and the file's (a Pacemaker CIB brought along keeps counting) */
	if (vigild_cib_copy(d, &current) < 0)
		return -EIO;
	vigil_cib_swap_status(next, current);
	if (vigil_cib_version_cmp(&next->version, &now) < 0)
		next->version = now;
	vigil_cib_bump_epoch(next);
	return propose(d, next, client_pending(c, ipc_id, NULL));
}

/* Whether TEXT, a CIB written out, is one that the members accept and that 'vigil config
 * verify' finds no error in (what the full CLI asks of a change). */
static bool valid(const char *text, size_t len)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) again = NULL;
	/* not parse(): a change refused here is the full CLI's to explain, not the log's */
	int r = vigil_cib_parse(text, len, "the changed CIB", diags, &again);

	vigil_schema_release();
	if (r < 0)
		return false;
	vigil_cib_verify(again, g_get_real_time() / G_USEC_PER_SEC, diags);
	return !vigil_diags_have_errors(diags);
}

/* A permanent attribute of node UNAME set to VALUE (NULL: removed), as 'vigil node
 * standby' would write it; FN gets the members' decision. -ENOENT: no such node in the
 * configuration; -EAGAIN: the members are synchronizing. */
int vigild_cib_node_attr(vigild *d, const char *uname, const char *name, const char *value,
			 vigild_cib_decided_fn fn, void *user)
{
	g_autoptr(vigil_cib) next = NULL;
	g_autoptr(vigil_inject) in = NULL;
	g_autofree char *text = NULL;
	size_t len = 0;
	int r;

	if (!vigil_cibsync_synced(d->cib->sync))
		return -EAGAIN;
	if ((r = vigild_cib_copy(d, &next)) < 0)
		return r;
	in = vigil_inject_new(next);
	if ((r = vigil_inject_node_attr(in, uname, name, value)) < 0)
		return r;
	vigil_cib_bump_epoch(next);
	/* what the members will parse: an id the new pair takes from another element would
	 * make it invalid (the full CLI then chooses a free one) */
	if ((r = vigil_cib_to_xml(next, &text, &len)) < 0)
		return r;
	if (!valid(text, len))
		return -EINVAL;
	r = propose_text(d, text, len, &next->version, own_pending(fn, user));
	if (r == 0)
		qb_log(LOG_NOTICE, "node %s: %s %s by a local client", uname, name,
		       value != NULL ? value : "removed");
	return r;
}

/* ARGS "(s)": forget a resource's history and fail-counts ("" for all); the reply comes
 * when the members have decided. */
int vigild_cib_cleanup(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args)
{
	g_autoptr(vigil_cib) next = NULL;
	const char *rsc;
	unsigned removed;
	int r;

	if (!g_variant_is_of_type(args, G_VARIANT_TYPE("(s)")))
		return -EPROTO;
	g_variant_get(args, "(&s)", &rsc);
	if (rsc[0] != '\0' && vigil_cib_find_rsc(d->cib->cib, rsc) == NULL)
		return -ENOENT;
	if ((r = vigild_cib_copy(d, &next)) < 0)
		return r;
	removed = vigil_cib_cleanup(next, rsc);
	vigil_cib_bump_num_updates(next);
	r = propose(d, next, client_pending(c, ipc_id, g_variant_new("(u)", removed)));
	if (r == 0)
		qb_log(LOG_NOTICE, "cleanup of %s: %u history and fail-count entries forgotten",
		       rsc[0] != '\0' ? rsc : "every resource", removed);
	return r;
}
