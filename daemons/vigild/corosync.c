/* vigild's membership: the process group (CPG) of all vigild, corosync's quorum and the
 * nodelist from cmap, all dispatched from GLib's main loop. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <qb/qblog.h>

#include "cluster/wire.h"
#include "daemons/vigild/vigild.h"

struct vigild_corosync {
	vigild *d;
	cpg_handle_t cpg;
	quorum_handle_t quorum;
	guint cpg_watch, quorum_watch;
	char *last_logged;
	GQueue outbox;        /* of GBytes*: messages corosync asked us to send again */
	guint retry;          /* the timer that sends them */
};

static vigild *daemon_of_cpg(cpg_handle_t h)
{
	void *ctx = NULL;

	cpg_context_get(h, &ctx);
	return ctx;
}

/* Logs the view when it changed: one line a user wants to read. */
static void view_changed(vigild *d)
{
	g_autofree char *line = vigil_view_describe(d->view);

	if (g_strcmp0(line, d->cs->last_logged) == 0)
		return;
	qb_log(LOG_NOTICE, "membership: %s%s", line,
	       d->view->dc_nodeid == d->view->local_nodeid ? " (this node)" : "");
	g_free(d->cs->last_logged);
	d->cs->last_logged = g_steal_pointer(&line);
	vigild_ipc_notify(d);
}

static void cpg_confchg(cpg_handle_t h, const struct cpg_name *group,
			const struct cpg_address *members, size_t n_members,
			const struct cpg_address *left, size_t n_left,
			const struct cpg_address *joined, size_t n_joined)
{
	vigild *d = daemon_of_cpg(h);
	g_autofree uint32_t *ids = g_new0(uint32_t, n_members + 1);

	for (size_t i = 0; i < n_members; i++)
		ids[i] = members[i].nodeid;
	for (size_t i = 0; i < n_left; i++)
		if (left[i].nodeid == d->view->local_nodeid && left[i].pid == (uint32_t)getpid()) {
			qb_log(LOG_ERR, "corosync removed this vigild from group %s; exiting so "
			       "that it can be restarted cleanly.", d->group_name);
			vigild_quit(d, 1);
		}
	vigil_view_set_group(d->view, ids, n_members);
	view_changed(d);
	vigild_cib_membership(d, ids, n_members);
	vigild_ctl_membership(d);
	vigild_exec_membership(d);
	vigild_fencing_membership(d);
	vigild_ctl_trigger(d, "the membership changed");
}

static void cpg_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
			uint32_t pid, void *msg, size_t len)
{
	vigild *d = daemon_of_cpg(h);
	vigil_wire_msg m;

	if (vigil_wire_decode(msg, len, &m) < 0) {
		qb_log(LOG_WARNING, "ignored a malformed message from node %" PRIu32 ".", nodeid);
		return;
	}
	switch (m.type) {
	case VIGIL_WIRE_ACTION:
		if (m.op.node[0] != '\0')
			vigild_fencing_seen(d, nodeid, &m.op, false);
		vigild_exec_action(d, &m.op);
		break;
	case VIGIL_WIRE_RESULT:
		if (m.op.node[0] != '\0') {
			vigild_fencing_seen(d, nodeid, &m.op, true);
			break;
		}
		m.op.target = nodeid; /* who ran it: the sender, whatever it says */
		vigild_ctl_result(d, &m.op);
		break;
	case VIGIL_WIRE_FENCE:
		vigild_fencing_asked(d, nodeid, &m.op);
		break;
	case VIGIL_WIRE_SHUTDOWN:
		vigild_shutdown_deliver(d, nodeid, &m.op);
		break;
	case VIGIL_WIRE_FENCE_HISTORY:
		vigild_fencing_learn(d, &m.op);
		break;
	case VIGIL_WIRE_JOINED:
		vigild_ctl_joined(d, nodeid, m.flags);
		break;
	default:
		vigild_cib_deliver(d, nodeid, msg, len);
		break;
	}
}

/* Sends what waits in the outbox, in order, until corosync asks to wait. */
static cs_error_t flush(struct vigild_corosync *cs)
{
	GBytes *b;

	while ((b = g_queue_peek_head(&cs->outbox)) != NULL) {
		gsize len;
		struct iovec iov = { (void *)g_bytes_get_data(b, &len), 0 };
		cs_error_t rc;

		iov.iov_len = len;
		rc = cpg_mcast_joined(cs->cpg, CPG_TYPE_AGREED, &iov, 1);
		if (rc == CS_ERR_TRY_AGAIN)
			return rc;
		g_bytes_unref(g_queue_pop_head(&cs->outbox));
		if (rc != CS_OK)
			qb_log(LOG_ERR, "corosync refused a message to the group (error %d); the "
			       "next membership change resynchronizes the CIB.", rc);
	}
	return CS_OK;
}

static gboolean retry_send(gpointer user)
{
	struct vigild_corosync *cs = user;

	if (flush(cs) == CS_ERR_TRY_AGAIN)
		return G_SOURCE_CONTINUE;
	cs->retry = 0;
	return G_SOURCE_REMOVE;
}

int vigild_corosync_send(vigild *d, const uint8_t *buf, size_t len)
{
	struct vigild_corosync *cs = d->cs;

	if (cs == NULL || cs->cpg == 0)
		return -ENOTCONN;
	g_queue_push_tail(&cs->outbox, g_bytes_new(buf, len));
	if (cs->retry == 0 && flush(cs) == CS_ERR_TRY_AGAIN)
		cs->retry = g_timeout_add(20, retry_send, cs);
	return 0;
}

static void quorum_notify(quorum_handle_t h, uint32_t quorate, struct quorum_ring_id ring,
			  uint32_t n, const uint32_t *members)
{
	const void *ctx = NULL;
	vigild *d;

	quorum_context_get(h, &ctx);
	d = (vigild *)ctx;
	vigil_view_set_quorum(d->view, members, n, quorate != 0, ring.seq);
	view_changed(d);
	vigild_ctl_trigger(d, "quorum changed");
}

/* After dispatching WHAT: whether to keep watching; stops the daemon when corosync went. */
static gboolean dispatched(vigild *d, const char *what, cs_error_t rc, guint *watch)
{
	if (rc == CS_OK || rc == CS_ERR_TRY_AGAIN)
		return G_SOURCE_CONTINUE;
	qb_log(LOG_ERR, "lost the connection to corosync (%s error %d); exiting: restart "
	       "corosync, then vigild.", what, rc);
	*watch = 0;
	vigild_quit(d, 1);
	return G_SOURCE_REMOVE;
}

static gboolean cpg_ready(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;

	return dispatched(d, "cpg", cpg_dispatch(d->cs->cpg, CS_DISPATCH_ALL), &d->cs->cpg_watch);
}

static gboolean quorum_ready(gint fd, GIOCondition cond, gpointer user)
{
	vigild *d = user;

	return dispatched(d, "quorum", quorum_dispatch(d->cs->quorum, CS_DISPATCH_ALL),
			  &d->cs->quorum_watch);
}

/* Names of the configured nodes, and the cluster's name, from cmap. */
static void read_nodelist(vigild *d)
{
	cmap_handle_t cmap;
	cmap_iter_handle_t it;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	char *name = NULL;

	if (cmap_initialize(&cmap) != CS_OK) {
		qb_log(LOG_WARNING, "cannot read corosync's nodelist (cmap); nodes are shown "
		       "by id until they join.");
		return;
	}
	if (cmap_get_string(cmap, "totem.cluster_name", &name) == CS_OK) {
		g_free(d->view->cluster_name);
		d->view->cluster_name = g_strdup(name);
		free(name);
	}
	if (cmap_iter_init(cmap, "nodelist.node.", &it) == CS_OK) {
		while (cmap_iter_next(cmap, it, key, NULL, NULL) == CS_OK) {
			char prefix[CMAP_KEYNAME_MAXLEN + 1], k2[CMAP_KEYNAME_MAXLEN + 32];
			unsigned idx;
			uint32_t nodeid;

			if (sscanf(key, "nodelist.node.%u.nodeid", &idx) != 1 ||
			    !g_str_has_suffix(key, ".nodeid") ||
			    cmap_get_uint32(cmap, key, &nodeid) != CS_OK)
				continue;
			g_snprintf(prefix, sizeof(prefix), "nodelist.node.%u.", idx);
			g_snprintf(k2, sizeof(k2), "%sname", prefix);
			if (cmap_get_string(cmap, k2, &name) != CS_OK) {
				g_snprintf(k2, sizeof(k2), "%sring0_addr", prefix);
				if (cmap_get_string(cmap, k2, &name) != CS_OK)
					name = NULL;
			}
			vigil_view_node_get(d->view, nodeid, name);
			free(name);
		}
		cmap_iter_finalize(cmap, it);
	}
	cmap_finalize(cmap);
}

static cs_error_t connect_cpg(vigild *d)
{
	cpg_model_v1_data_t model = { .model = CPG_MODEL_V1, .cpg_deliver_fn = cpg_deliver,
				      .cpg_confchg_fn = cpg_confchg };
	struct cpg_name group = { 0 };
	unsigned int nodeid = 0;
	cs_error_t rc;

	rc = cpg_model_initialize(&d->cs->cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, d);
	if (rc != CS_OK)
		return rc;
	if ((rc = cpg_local_get(d->cs->cpg, &nodeid)) != CS_OK)
		return rc;
	d->view->local_nodeid = nodeid;
	group.length = (uint32_t)strlen(d->group_name);
	memcpy(group.value, d->group_name, group.length);
	do {
		rc = cpg_join(d->cs->cpg, &group);
		if (rc == CS_ERR_TRY_AGAIN)
			g_usleep(100 * 1000);
	} while (rc == CS_ERR_TRY_AGAIN);
	return rc;
}

static cs_error_t connect_quorum(vigild *d)
{
	quorum_model_v1_data_t model = { .model = QUORUM_MODEL_V1,
					 .quorum_notify_fn = quorum_notify };
	uint32_t type = 0;
	cs_error_t rc;

	rc = quorum_model_initialize(&d->cs->quorum, QUORUM_MODEL_V1,
				     (quorum_model_data_t *)&model, &type, d);
	if (rc != CS_OK)
		return rc;
	if (type != QUORUM_SET)
		qb_log(LOG_WARNING, "corosync has no quorum provider; configure "
		       "'quorum { provider: corosync_votequorum }' in corosync.conf.");
	return quorum_trackstart(d->cs->quorum, CS_TRACK_CHANGES | CS_TRACK_CURRENT);
}

static void disconnect(struct vigild_corosync *cs)
{
	if (cs->retry != 0)
		g_source_remove(cs->retry);
	cs->retry = 0;
	g_queue_clear_full(&cs->outbox, (GDestroyNotify)g_bytes_unref);
	if (cs->cpg_watch != 0)
		g_source_remove(cs->cpg_watch);
	if (cs->quorum_watch != 0)
		g_source_remove(cs->quorum_watch);
	cs->cpg_watch = cs->quorum_watch = 0;
	if (cs->cpg != 0)
		cpg_finalize(cs->cpg);
	if (cs->quorum != 0)
		quorum_finalize(cs->quorum);
	cs->cpg = cs->quorum = 0;
}

int vigild_corosync_start(vigild *d, unsigned wait_s)
{
	gint64 give_up = g_get_monotonic_time() + (gint64)wait_s * G_USEC_PER_SEC;
	cs_error_t rc;
	int fd;

	d->cs = g_new0(struct vigild_corosync, 1);
	d->cs->d = d;
	for (;;) {
		rc = connect_cpg(d);
		if (rc == CS_OK)
			rc = connect_quorum(d);
		if (rc == CS_OK)
			break;
		disconnect(d->cs);
		if (g_get_monotonic_time() >= give_up) {
			qb_log(LOG_ERR, "cannot connect to corosync (error %d) after %u s; start "
			       "corosync first ('corosync-cfgtool -s' shows whether it runs).",
			       rc, wait_s);
			return -ECONNREFUSED;
		}
		g_usleep(200 * 1000);
	}
	read_nodelist(d);
	vigild_cib_joined(d, d->view->local_nodeid);
	cpg_fd_get(d->cs->cpg, &fd);
	d->cs->cpg_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_ERR | G_IO_HUP, cpg_ready, d);
	quorum_fd_get(d->cs->quorum, &fd);
	d->cs->quorum_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_ERR | G_IO_HUP, quorum_ready, d);
	qb_log(LOG_INFO, "connected to corosync as node %" PRIu32 "; joined group %s",
	       d->view->local_nodeid, d->group_name);
	return 0;
}

void vigild_corosync_stop(vigild *d)
{
	if (d->cs == NULL)
		return;
	disconnect(d->cs);
	g_free(d->cs->last_logged);
	g_clear_pointer(&d->cs, g_free);
}
