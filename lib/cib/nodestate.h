/* What the status section says about each node: online, unclean (to be fenced), pending,
 * standby, maintenance; and whether the cluster can fence it. This follows Pacemaker's
 * reading of node_state (in_ccm, crmd, join, expected) so that the same CIB means the same
 * thing to Vigil and to Pacemaker. Pure: the CIB in, a new array out. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"

typedef enum vigil_no_quorum_policy {
	VIGIL_NQP_STOP,
	VIGIL_NQP_FREEZE,
	VIGIL_NQP_IGNORE,
	VIGIL_NQP_DEMOTE,
	VIGIL_NQP_SUICIDE,
} vigil_no_quorum_policy;

/* Cluster-wide options that decide node handling. */
typedef struct vigil_cluster_opts {
	bool stonith_enabled;      /* stonith-enabled, default true */
	bool startup_fencing;      /* startup-fencing, default true */
	bool have_quorum;          /* <cib have-quorum> */
	bool have_stonith_rsc;     /* some primitive has class stonith */
	bool maintenance_mode;     /* maintenance-mode */
	vigil_no_quorum_policy no_quorum_policy;
	uint64_t priority_fencing_delay_s; /* priority-fencing-delay in whole seconds, as
					    * Pacemaker keeps it (0: disabled) */
} vigil_cluster_opts;

typedef struct vigil_node_info {
	const vigil_node *node;        /* borrowed from the CIB */
	const vigil_node_state *state; /* borrowed; NULL if the node was never seen */
	bool online, unclean, pending, standby, shutdown;
	bool maintenance;              /* the node's own attribute; see also maintenance-mode */
	char *unclean_reason;          /* "peer is no longer part of the cluster", ... */
	bool unclean_by_failure;       /* unclean only because a resource failed there */
	bool lost;                     /* unclean because it left the membership: the case where
					* priority-fencing-delay applies to its fencing */
} vigil_node_info;

void vigil_node_info_free(vigil_node_info *info);

/* Reads the options above from CIB's crm_config and <cib> attributes. */
void vigil_cluster_opts_read(const vigil_cib *cib, vigil_cluster_opts *ret_opts);

/* Evaluates every configured node, in CIB order. Returns 0 and a GPtrArray of
 * vigil_node_info* (free with g_ptr_array_unref). */
int vigil_nodes_evaluate(const vigil_cib *cib, const vigil_cluster_opts *opts,
			 GPtrArray **ret_infos);

/* Whether ST's transient attribute "shutdown" says the node is leaving (a time, not "0"),
 * as Pacemaker reads it. */
bool vigil_node_state_shutdown(const vigil_node_state *st);

/* Pacemaker's pe_can_fence(): may the cluster fence NODE now? */
bool vigil_can_fence(const vigil_cluster_opts *opts, const vigil_node_info *node);

/* Pacemaker's boolean spellings: true/on/yes/y/1 and false/off/no/n/0, any case.
 * Returns 0 or -EINVAL. */
int vigil_str_to_bool(const char *s, bool *ret);
/* Whether S is one of the true spellings. */
bool vigil_str_is_true(const char *s);

/* Marks nodes unclean where the operation history says a resource failed in a way that
 * requires fencing: a failed stop while fencing is enabled, or a failure of an operation
 * with on-fail=fence. NOW (seconds since the epoch) decides which failures have expired
 * by failure-timeout. Pure: time is an input. */
void vigil_nodes_apply_failures(const vigil_cib *cib, const vigil_cluster_opts *opts,
				int64_t now, GPtrArray *infos);

/* Pacemaker's on-fail values, from least to most severe (the worst failure wins). */
typedef enum vigil_on_fail {
	VIGIL_ON_FAIL_IGNORE,
	VIGIL_ON_FAIL_RESTART,
	VIGIL_ON_FAIL_DEMOTE,
	VIGIL_ON_FAIL_BLOCK,
	VIGIL_ON_FAIL_STOP,
	VIGIL_ON_FAIL_STANDBY,
	VIGIL_ON_FAIL_FENCE,
} vigil_on_fail;

/* Parses an on-fail value; -EINVAL if unknown. */
int vigil_on_fail_parse(const char *text, vigil_on_fail *ret);
/* The configured <op> of RSC for NAME at INTERVAL_MS, or NULL. */
const vigil_op *vigil_rsc_find_op(const vigil_rsc *rsc, const char *name, uint64_t interval_ms);
/* A meta attribute of RSC (its own, its group's, then rsc_defaults), or NULL. */
const char *vigil_rsc_meta(const vigil_cib *cib, const vigil_rsc *rsc, const char *name);
/* Whether a history entry records a failure (by op-status and rc-code). */
bool vigil_lrm_op_failed(const vigil_lrm_op *op);
/* The on-fail that applies to a failure of OP of RSC (NULL for an orphan): the configured
 * op's, op_defaults', or Pacemaker's default (stop: fence, or block without fencing;
 * anything else: restart); fence becomes stop where fencing is disabled. */
vigil_on_fail vigil_lrm_op_on_fail(const vigil_cib *cib, const vigil_cluster_opts *opts,
				   const vigil_rsc *rsc, const vigil_lrm_op *op);
/* Whether fail-counts are per resource ("fail-count-RSC"), as in CIBs of feature sets before
 * 3.0.13, rather than per operation ("fail-count-RSC#TASK_INTERVAL"). */
bool vigil_cib_legacy_failcounts(const vigil_cib *cib);

/* Pacemaker's check_operation_expiry(): whether the failure in OP of RSC, recorded on the
 * node whose status is STATE (may be NULL), has expired by NOW under its failure-timeout.
 * It has not while the operation's fail-count is still in effect, nor for a probe that
 * found the resource running or stopped, nor for an orphan. *TIMEOUT_OFF (may be NULL)
 * carries Pacemaker's rule that a counted failure of an on-fail=block operation disables
 * the timeout for the rest of the resource's history. */
bool vigil_lrm_op_expired(const vigil_cib *cib, const vigil_rsc *rsc,
			  const vigil_node_state *state, const vigil_lrm_op *op, int64_t now,
			  bool *timeout_off);
/* LRM's operations in call order: pending ones (call-id -1) last, equal call-ids in document
 * order. A new array of borrowed pointers (free with g_ptr_array_unref). */
GPtrArray *vigil_lrm_rsc_ops_by_call(const vigil_lrm_rsc *lrm);
