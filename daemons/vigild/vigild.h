/* vigild: one per cluster node. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <qb/qbipcs.h>

#include "cluster/view.h"

typedef struct vigild {
	GMainLoop *loop;
	int exit_code;
	vigil_view *view;     /* this node's view of its partition */
	char *group_name;     /* the process group all vigild of the cluster join */
	char *state_dir;      /* /var/lib/vigil */
	char *run_dir;        /* /run/vigil */
	struct vigild_corosync *cs;
	struct vigild_ipc *ipc;
	struct vigild_cib *cib;
} vigild;

/* Stops the daemon with CODE (0, or 1 after a fatal error already logged). */
void vigild_quit(vigild *d, int code);

/* corosync.c: membership and quorum. Connects to corosync (waiting up to WAIT_S seconds for
 * it), reads the nodelist, joins the process group and keeps d->view current. */
int vigild_corosync_start(vigild *d, unsigned wait_s);
void vigild_corosync_stop(vigild *d);
/* Sends BUF to every member of the group, this node included, in the group's agreed
 * order (queued while corosync says "try again"). 0 or -errno. */
int vigild_corosync_send(vigild *d, const uint8_t *buf, size_t len);

/* cib.c: the replicated CIB. start() loads the stored copy (or an empty one) and refuses
 * a corrupted or invalid one; joined() starts replicating once the node id is known. */
int vigild_cib_start(vigild *d);
void vigild_cib_joined(vigild *d, uint32_t nodeid);
void vigild_cib_stop(vigild *d);
void vigild_cib_membership(vigild *d, const uint32_t *members, size_t n);
void vigild_cib_deliver(vigild *d, uint32_t sender, const void *msg, size_t len);
/* "(tttbs)": version, whether this node holds the agreed copy, the CIB. */
GVariant *vigild_cib_query(vigild *d);
/* A client's "(ttts)" replacement; 0 when proposed (the reply follows), else -errno. */
int vigild_cib_replace(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args);

/* ipc-server.c: the local IPC service 'vigil' and vigil-mon talk to. */
int vigild_ipc_start(vigild *d);
void vigild_ipc_stop(vigild *d);
