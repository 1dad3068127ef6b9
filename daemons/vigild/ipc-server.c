/* vigild's local IPC service: requests from 'vigil' and vigil-mon. */
#include "config.h"

#include <errno.h>
#include <qb/qbipcs.h>
#include <qb/qblog.h>

#include "daemons/vigild/vigild.h"
#include "ipc/ipc.h"
#include "mon/status.h"

struct vigild_ipc {
	qb_ipcs_service_t *service;
	GPtrArray *subscribers; /* of qb_ipcs_connection_t* (referenced) */
};

static vigild *the_daemon; /* libqb's callbacks carry no user data for the service */

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	if (!vigil_ipc_user_allowed(uid, gid)) {
		qb_log(LOG_NOTICE, "refused a local client of uid %u: only root and group %s "
		       "may use the cluster.", (unsigned)uid, VIGIL_IPC_GROUP);
		return -EACCES;
	}
	/* the connection's shared memory, readable by the client's own user */
	if (uid != 0)
		qb_ipcs_connection_auth_set(c, uid, gid, 0600);
	return 0;
}

static int32_t on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	g_autoptr(GVariant) args = NULL;
	int32_t id = 0;

	if (vigil_ipc_parse_request(data, size, &id, &args) < 0) {
		qb_log(LOG_WARNING, "a local client sent a malformed request; disconnecting it.");
		vigil_ipc_reply(c, id, -EPROTO, NULL);
		return 0;
	}
	switch (id) {
	case VIGIL_IPC_STATUS:
		vigil_ipc_reply(c, id, 0, vigil_view_to_variant(the_daemon->view));
		break;
	case VIGIL_IPC_STATUS_TEXT: {
		g_autoptr(GString) text = g_string_new(NULL);
		g_autoptr(GVariant) history = g_variant_ref_sink(vigild_fencing_history(the_daemon));

		vigil_status_text(the_daemon->view, vigild_cib_current(the_daemon), history,
				  g_get_real_time() / G_USEC_PER_SEC, text);
		vigil_ipc_reply(c, id, 0, g_variant_new("(s)", text->str));
		break;
	}
	case VIGIL_IPC_CIB_QUERY:
		vigil_ipc_reply(c, id, 0, vigild_cib_query(the_daemon));
		break;
	case VIGIL_IPC_SUBSCRIBE:
		if (!g_ptr_array_find(the_daemon->ipc->subscribers, c, NULL)) {
			qb_ipcs_connection_ref(c);
			g_ptr_array_add(the_daemon->ipc->subscribers, c);
		}
		vigil_ipc_reply(c, id, 0, NULL);
		break;
	case VIGIL_IPC_CLEANUP: {
		int r = vigild_cib_cleanup(the_daemon, c, id, args);

		if (r < 0)
			vigil_ipc_reply(c, id, r, NULL);
		break;
	}
	case VIGIL_IPC_FENCE: {
		int r = vigild_fencing_request(the_daemon, c, id, args);

		if (r < 0)
			vigil_ipc_reply(c, id, r, NULL);
		break;
	}
	case VIGIL_IPC_SHUTDOWN:
		vigil_ipc_reply(c, id, vigild_shutdown_request(the_daemon, args), NULL);
		break;
	case VIGIL_IPC_FENCE_HISTORY:
		vigil_ipc_reply(c, id, 0, vigild_fencing_history(the_daemon));
		break;
	case VIGIL_IPC_CIB_REPLACE: {
		int r = vigild_cib_replace(the_daemon, c, id, args);

		if (r < 0)
			vigil_ipc_reply(c, id, r, NULL);
		break;
	}
	default:
		vigil_ipc_reply(c, id, -EOPNOTSUPP, NULL);
		break;
	}
	return 0;
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	if (the_daemon->ipc != NULL && g_ptr_array_remove(the_daemon->ipc->subscribers, c))
		qb_ipcs_connection_unref(c);
	return 0;
}

void vigild_ipc_notify(vigild *d)
{
	struct qb_ipc_response_header h = { .id = VIGIL_IPC_EVENT_CHANGED, .size = sizeof(h) };

	if (d->ipc == NULL)
		return;
	for (guint i = 0; i < d->ipc->subscribers->len; i++)
		qb_ipcs_event_send(g_ptr_array_index(d->ipc->subscribers, i), &h, sizeof(h));
}

int vigild_ipc_start(vigild *d)
{
	struct qb_ipcs_service_handlers handlers = { .connection_accept = on_accept,
						     .msg_process = on_message,
						     .connection_closed = on_closed };
	struct qb_ipcs_poll_handlers poll;
	int r;

	the_daemon = d;
	d->ipc = g_new0(struct vigild_ipc, 1);
	d->ipc->subscribers = g_ptr_array_new();
	d->ipc->service = qb_ipcs_create(VIGIL_IPC_SERVICE, 0, QB_IPC_SOCKET, &handlers);
	if (d->ipc->service == NULL)
		return -errno;
	vigil_ipc_glib_handlers(&poll);
	qb_ipcs_poll_handlers_set(d->ipc->service, &poll);
	r = qb_ipcs_run(d->ipc->service);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot offer the local IPC service '%s': %s; is another vigild "
		       "running on this node?", VIGIL_IPC_SERVICE, g_strerror(-r));
		return r;
	}
	return 0;
}

void vigild_ipc_stop(vigild *d)
{
	if (d->ipc == NULL)
		return;
	if (d->ipc->service != NULL)
		qb_ipcs_destroy(d->ipc->service);
	for (guint i = 0; i < d->ipc->subscribers->len; i++)
		qb_ipcs_connection_unref(g_ptr_array_index(d->ipc->subscribers, i));
	g_ptr_array_unref(d->ipc->subscribers);
	g_clear_pointer(&d->ipc, g_free);
}
