/* Local IPC between vigild and its clients ('vigil', vigil-mon), over libqb.
 *
 * A request is a qb_ipc_request_header (id: what is asked) followed by one serialized
 * GVariant of type "v" (the arguments, with their type); a reply is a
 * qb_ipc_response_header (error: 0 or -errno) followed by the same. Both ends check every
 * type they read, so a malformed message is refused, never misread. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <qb/qbipcc.h>
#include <qb/qbipcs.h>

#define VIGIL_IPC_SERVICE "vigild"
#define VIGIL_IPC_MAX_MSG ((size_t)1 << 20)
#define VIGIL_IPC_GROUP "haclient"

enum vigil_ipc_request {
	VIGIL_IPC_STATUS = 1, /* () -> the partition's view, VIGIL_VIEW_TYPE */
	/* () -> (admin_epoch, epoch, num_updates, synced, CIB text): the CIB this node holds */
	VIGIL_IPC_CIB_QUERY = 2,
	/* (admin_epoch, epoch, num_updates it was read at, CIB text) -> the new version
	 * (ttt): the configuration of the text replaces the cluster's, once every member
	 * has applied it. -ESTALE: the CIB changed since it was read; -EAGAIN: the members
	 * are synchronizing; -EINVAL: not a valid CIB. */
	VIGIL_IPC_CIB_REPLACE = 3,
	/* () -> (): from now on, an event VIGIL_IPC_EVENT_CHANGED on this connection whenever
	 * the membership, quorum or the CIB changes */
	VIGIL_IPC_SUBSCRIBE = 4,
	/* (resource id, "" for all) -> (u: entries removed): forget its history and
	 * fail-counts, once every member has applied it */
	VIGIL_IPC_CLEANUP = 5,
	/* (target node, "reboot"|"off"|"on") -> (b: fenced, s: the member that ran the
	 * device, s: the device, s: why it failed, or the request's reason): fence it
	 * through the DC, and answer once it is done. -EAGAIN: no DC yet. */
	VIGIL_IPC_FENCE = 6,
	/* () -> (VIGIL_FENCE_HISTORY_TYPE, lib/mon/status.h): what this node knows of fencing, oldest first */
	VIGIL_IPC_FENCE_HISTORY = 7,
	/* (b: every member, b: corosync too) -> (): stop cleanly, once the DC has moved the
	 * resources away; the daemon exits after the reply */
	VIGIL_IPC_SHUTDOWN = 8,
	/* () -> (s): the cluster in crm_mon's text layout (lib/mon/status.h), as this node
	 * sees it now */
	VIGIL_IPC_STATUS_TEXT = 9,
};

/* The id of the events vigild pushes to subscribers (a qb_ipc_response_header alone). */
#define VIGIL_IPC_EVENT_CHANGED 100

/* A connection to the local daemon at SERVICE, once it is known to run as root; NULL and
 * *RET_ERROR -ECONNREFUSED (no daemon), -EACCES (it refused this user) or -EPERM (the
 * service is not root's: another program took the name while the daemon was down). */
qb_ipcc_connection_t *vigil_ipc_connect(const char *service, int *ret_error);

/* Sends request ID with ARGS (NULL: "()") to the local daemon at SERVICE and waits for its
 * reply, at most TIMEOUT_MS. Returns 0 and the reply's value, or the daemon's -errno, or
 * vigil_ipc_connect()'s errors, -ETIMEDOUT, -EPROTO, -EMSGSIZE (the request is larger
 * than VIGIL_IPC_MAX_MSG). */
int vigil_ipc_call(const char *service, int32_t id, GVariant *args, int timeout_ms,
		   GVariant **ret_reply);

/* Server side: a request's id and arguments out of DATA, SIZE as msg_process got them. */
int vigil_ipc_parse_request(const void *data, size_t size, int32_t *ret_id,
			    GVariant **ret_args);
/* Replies to request ID on C with ERROR (0 or -errno) and REPLY (NULL: "()"). */
int vigil_ipc_reply(qb_ipcs_connection_t *c, int32_t id, int32_t error, GVariant *reply);

/* libqb's server poll handlers, on GLib's default main context. */
void vigil_ipc_glib_handlers(struct qb_ipcs_poll_handlers *ret);

/* Whether the user UID (primary group GID) may use the cluster: root and the members of
 * group VIGIL_IPC_GROUP. */
bool vigil_ipc_user_allowed(uid_t uid, gid_t gid);

/* A request to the front end's command socket (front-socket.h) in the LEN bytes of BUF:
 * its words (pointers into BUF) up to the first empty one, once that has come; NULL
 * before. */
GPtrArray *vigil_front_request_words(const char *buf, size_t len);
