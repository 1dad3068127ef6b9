/* vigild: one per cluster node. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <qb/qbipcs.h>

#include "cib/cib.h"
#include "cluster/view.h"
#include "cluster/wire.h"
#include "exec/unit.h"

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
	struct vigild_exec *exec;
	struct vigild_ctl *ctl;
	struct vigild_events *events;
	struct vigild_fencing *fencing;
	struct vigild_shutdown *shutdown;
	bool stop_corosync;   /* once vigild is gone, shut corosync down too */
	struct vigild_front *front;
	guint trim_timer;
} vigild;

/* Stops the daemon with CODE (0, or 1 after a fatal error already logged). */
void vigild_quit(vigild *d, int code);
/* Gives the heap's free pages back to the system a moment from now, once a burst of work
 * (a CIB adopted and planned for) is over: glibc would keep them, and the daemon's
 * resident memory would only grow. */
void vigild_trim_later(vigild *d);

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
/* The agreed CIB, parsed (NULL if it does not parse); a copy of it to change. */
const vigil_cib *vigild_cib_current(vigild *d);
bool vigild_cib_synced(vigild *d);
int vigild_cib_copy(vigild *d, vigil_cib **ret_cib);
/* Proposes NEXT (its version already advanced) as the change of the agreed CIB; FN gets
 * the members' decision (0, -ESTALE, -EAGAIN). 0 when proposed, else -errno. */
typedef void (*vigild_cib_decided_fn)(vigild *d, int result, void *user);
int vigild_cib_propose(vigild *d, const vigil_cib *next, vigild_cib_decided_fn fn, void *user);
/* Node UNAME's permanent attribute NAME set to VALUE (NULL: removed), proposed like
 * vigild_cib_propose(); -ENOENT: no such node in the configuration. */
int vigild_cib_node_attr(vigild *d, const char *uname, const char *name, const char *value,
			 vigild_cib_decided_fn fn, void *user);
/* A client's "(s)" cleanup; 0 when proposed (the reply follows), else -errno. */
int vigild_cib_cleanup(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args);
/* A client's "(ttts)" replacement; 0 when proposed (the reply follows), else -errno. */
int vigild_cib_replace(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args);

/* ipc-server.c: the local IPC service 'vigil' and vigil-mon talk to. */
int vigild_ipc_start(vigild *d);
void vigild_ipc_stop(vigild *d);

/* units.c: the systemd class, loaded the first time it is asked for (a node without
 * systemd resources never maps GIO); NULL, and why in *RET_WHY (may be NULL), when it
 * cannot be loaded. */
const vigil_unit_ops *vigild_units(const char **ret_why);

/* front-socket.c: the status and command sockets of cli/vigil-front.c (abstract unix
 * sockets, ipc/front-socket.h), for whoever may use the cluster. Without them (logged),
 * their commands go through libqb's IPC as every other command. */
void vigild_front_start(vigild *d);
void vigild_front_stop(vigild *d);
/* Tells the subscribed clients (vigil-mon) that something they show changed. */
void vigild_ipc_notify(vigild *d);

/* executor.c: runs the actions sent to this node, and recurring monitors. */
void vigild_exec_start(vigild *d);
void vigild_exec_stop(vigild *d);
void vigild_exec_action(vigild *d, const vigil_wire_op *op);
/* After a membership change: re-sends this node's last results if the DC changed, then
 * says it has joined. */
void vigild_exec_membership(vigild *d);

/* Runs at once the recurring monitors of the resources whose instance attribute NAME is
 * VALUE (WHY, for the log): an event said they may have failed. */
void vigild_exec_check_param(vigild *d, const char *name, const char *value, const char *why);

/* This node was fenced: stop every resource it knows, then exit (VIGILD_EXIT_FENCED). */
void vigild_exec_fenced(vigild *d);
/* vigild's exit code after it learnt it was fenced: not restarted (the unit's
 * RestartPreventExitStatus) until someone looks at the node. */
#define VIGILD_EXIT_FENCED 100

/* fencing.c: requests for fencing, the DC's choice of device and member, the history. */
void vigild_fencing_start(vigild *d);
void vigild_fencing_stop(vigild *d);
/* On the DC: has REQ's target (op.node) fenced (op.task) with op.rsc ("" for the first
 * device that can), by a member other than the target; REQ's origin, transition and
 * action identify the request in the results. */
void vigild_fencing_dispatch(vigild *d, const vigil_wire_op *req);
/* A local client's "(ss)" (target, reboot|off|on): 0 when asked (the reply, "(bsss)":
 * success, who ran it, the device, the reason, follows), else -errno. */
int vigild_fencing_request(vigild *d, qb_ipcs_connection_t *c, int32_t ipc_id, GVariant *args);
/* From the group: a FENCE request SENDER made. */
void vigild_fencing_asked(vigild *d, uint32_t sender, const vigil_wire_op *op);
/* From the group: the ACTION (RESULT false) or the RESULT of a fencing, from SENDER. */
void vigild_fencing_seen(vigild *d, uint32_t sender, const vigil_wire_op *op, bool result);
/* After a membership change: the DC sends its history (FENCE_HISTORY) for those who
 * joined. */
void vigild_fencing_membership(vigild *d);
/* From the group: one ended fencing of the DC's history. */
void vigild_fencing_learn(vigild *d, const vigil_wire_op *op);
/* The history, oldest first, as VIGIL_FENCE_HISTORY_TYPE in a tuple. */
GVariant *vigild_fencing_history(vigild *d);

/* Whether an action sent to this node is still running. */
bool vigild_exec_busy(vigild *d);

/* shutdown.c: leaving cleanly, once the DC has moved this node's resources away. */
void vigild_shutdown_start(vigild *d);
void vigild_shutdown_stop(vigild *d);
/* SIGTERM or SIGINT: the first begins the shutdown, a second ends it at once. */
void vigild_shutdown_signal(vigild *d);
/* A local client's "(bb)" (every member, corosync too): 0 once begun, else -errno. */
int vigild_shutdown_request(vigild *d, GVariant *args);
/* From the group: a SHUTDOWN from SENDER. */
void vigild_shutdown_deliver(vigild *d, uint32_t sender, const vigil_wire_op *op);
/* The CIB or the executor changed: leave if nothing runs here any more. */
void vigild_shutdown_check(vigild *d);

/* events.c: failures the platform reports as they happen (address removal). */
void vigild_events_start(vigild *d);
void vigild_events_stop(vigild *d);

/* controller.c: on the DC, plans with the scheduler and has the nodes carry it out. */
void vigild_ctl_start(vigild *d);
void vigild_ctl_stop(vigild *d);
/* Something the plan depends on changed (WHY, for the log): plan again soon. */
void vigild_ctl_trigger(vigild *d, const char *why);
/* The agreed CIB changed. */
void vigild_ctl_cib_changed(vigild *d);
/* The group's membership changed (before the members say they joined). */
void vigild_ctl_membership(vigild *d);
/* NODEID has joined: it re-sent what the DC must know; FLAGS VIGIL_JOINED_*. */
void vigild_ctl_joined(vigild *d, uint32_t nodeid, uint32_t flags);
/* A node reported how an action ended. */
void vigild_ctl_result(vigild *d, const vigil_wire_op *op);
/* NODE is shutting down: on the DC, its resources go elsewhere (its transient attribute
 * "shutdown"), and it is down cleanly when it leaves. */
void vigild_ctl_shutdown(vigild *d, const char *node);
/* A fencing ended (OK: the target is down); on the DC: recorded, and the plan goes on. */
void vigild_ctl_fenced(vigild *d, const vigil_wire_op *op, bool ok);
