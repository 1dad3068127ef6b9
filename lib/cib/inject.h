/* Changes to a CIB's status, made in place, the way the cluster records them: node states,
 * node attributes, operation results, fencing, quorum. 'vigil simulate' uses them for its
 * what-ifs and to record a simulated transition; vigild's controller records real results
 * with them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"

typedef enum vigil_inject_node_kind {
	VIGIL_INJECT_UP,   /* a member, online */
	VIGIL_INJECT_DOWN, /* left the cluster cleanly */
	VIGIL_INJECT_FAIL, /* lost without warning: to be fenced */
} vigil_inject_node_kind;

/* The changes to one CIB, made in place, with indexes of what they touch (so that recording
 * a large simulated transition stays linear). Free it only once nothing points into the
 * CIB's status any more: it keeps the histories that fencing removes. */
typedef struct vigil_inject vigil_inject;
vigil_inject *vigil_inject_new(vigil_cib *cib);
void vigil_inject_free(vigil_inject *in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_inject, vigil_inject_free)

/* Adds node UNAME with ID to the configuration's nodes (what Pacemaker's controller does
 * for a node of corosync's nodelist): 1 if added, 0 if UNAME is there already, -EEXIST if
 * another node has ID. */
int vigil_inject_add_node(vigil_inject *in, const char *id, const char *uname);

/* Each returns 0, -ENOENT for an unknown node, or -ESRCH for an unknown resource. */
int vigil_inject_node(vigil_inject *in, const char *uname, vigil_inject_node_kind kind);
/* Sets NAME to VALUE in UNAME's permanent attributes (the configuration's node), or
 * removes it when VALUE is NULL. */
int vigil_inject_node_attr(vigil_inject *in, const char *uname, const char *name,
			   const char *value);
/* Sets NAME to VALUE in UNAME's transient attributes (its node_state's), or removes it
 * when VALUE is NULL (-ENODATA if it was not there). */
int vigil_inject_transient_attr(vigil_inject *in, const char *uname, const char *name,
				const char *value);
/* Forgets every transient attribute of UNAME (fail-counts, "shutdown"...), as Pacemaker's
 * DC does when a node leaves: how many went, or -ENOENT. */
int vigil_inject_clear_transient(vigil_inject *in, const char *uname);
/* Records TASK (interval INTERVAL_MS) of RSC on UNAME with exit code RC at NOW, with the
 * parameters' DIGEST and the agent's EXIT_REASON (each may be NULL); a result other than
 * the expected one raises the fail-count, as the cluster would. */
int vigil_inject_op(vigil_inject *in, const char *rsc, const char *task, uint64_t interval_ms,
		    const char *uname, int rc, int64_t now, const char *digest,
		    const char *exit_reason);
/* The same, as history already counted: a result replayed, no fail-count raised. */
int vigil_inject_history_op(vigil_inject *in, const char *rsc, const char *task,
			    uint64_t interval_ms, const char *uname, int rc, int64_t now,
			    const char *digest, const char *exit_reason);
/* RSC's fail-count for KEY_SUFFIX ("start_0") on UNAME set to VALUE ("INFINITY"), with
 * its last-failure time NOW, in UNAME's transient attributes. */
int vigil_inject_failcount(vigil_inject *in, const char *uname, const char *rsc,
			   const char *key_suffix, const char *value, int64_t now);
/* UNAME's operation history is forgotten (its executor restarted and knows nothing: probes
 * find out what runs there). */
int vigil_inject_forget(vigil_inject *in, const char *uname);
/* UNAME's history of RSC is forgotten (a resource deleted from the configuration, once
 * stopped there); -ESRCH if it had none. */
int vigil_inject_forget_rsc(vigil_inject *in, const char *uname, const char *rsc);
/* UNAME was fenced: down, and nothing runs there. */
int vigil_inject_fenced(vigil_inject *in, const char *uname);
int vigil_inject_quorum(vigil_inject *in, bool quorum);

/* 'resource cleanup': forgets RSC's operation history on every node and its fail-counts
 * and last failures ("" for every resource), so that the cluster probes it again and
 * counts from zero. On a CIB no vigil_inject has touched. Returns how many entries went. */
unsigned vigil_cib_cleanup(vigil_cib *cib, const char *rsc);
