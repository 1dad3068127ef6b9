/* Internal interfaces between the scheduler's stages (not exported from libvigil). */
#pragma once

#include "sched/sched.h"

/* rules.c */
const char *vigil_snode_attr(const vigil_sched *s, const vigil_snode *n, const char *name);
bool vigil_rule_holds(const vigil_sched *s, const vigil_snode *n, const vigil_rule *rule);
int vigil_rule_score(const vigil_sched *s, const vigil_snode *n, const vigil_rule *rule);

/* place.c: node scores, colocations and assignment */
/* Pacemaker's pcmk__node_available() without the score (inline: placement asks it for
 * every node of every score table it looks at). */
static inline bool vigil_snode_available(const vigil_snode *n)
{
	const vigil_node_info *i = n->info;

	return i->online && !i->shutdown && !i->unclean && !i->standby && !n->standby_onfail &&
	       !i->maintenance;
}
void vigil_place(vigil_sched *s);

/* actions.c */
void vigil_schedule_actions(vigil_sched *s);
int vigil_failcount(const vigil_sched *s, const vigil_srsc *r, const vigil_snode *n);

/* digest.c */
typedef void (*vigil_digest_fn)(vigil_sched *s, vigil_srsc *r, vigil_snode *n,
				const vigil_lrm_op *op, bool reloadable);
void vigil_check_definitions(vigil_sched *s, vigil_digest_fn changed);
/* Pacemaker's should_clear_for_param_change(): whether OP, a start or monitor of R, was run
 * with other parameters than R has now (by its op-digest, or its op-restart-digest); false
 * where it recorded no digest. */
bool vigil_failure_params_changed(const vigil_sched *s, const vigil_srsc *r,
				  const vigil_lrm_op *op);

/* sched.c: a boolean cluster property, DFLT if unset or not a boolean. */
bool vigil_sched_property_bool(const vigil_sched *s, const char *name, bool dflt);

/* actions.c: Pacemaker's pe__find_active_on(): the node R counts as active on (its first
 * clean one, or, where fencing protects it, simply the first), or NULL. */
vigil_snode *vigil_srsc_active_on(const vigil_sched *s, const vigil_srsc *r);
/* The histories of node N's status, by resource id (the first of each); where one resource
 * has several, N->histories_repeat is set and callers must look at them all. */
GHashTable *vigil_snode_histories(vigil_snode *n);

/* unpack.c: vigil_lrm_rsc_ops_by_call(), without a copy or a sort where the document already
 * lists LRM's operations in call order (call-ids that only grow, none pending: the usual
 * history): then a new reference to LRM's own array. Free with g_ptr_array_unref. */
GPtrArray *vigil_ops_by_call(const vigil_lrm_rsc *lrm);

/* unpack.c: the resource of a history, at POSITION of a node's status, with ID: s->by_id's,
 * NULL if none. Nodes list their histories in the same order as a rule: LAST (one entry per
 * position, kept from node to node) holds what was found at each position of the node
 * before, and is tried before hashing ID. */
vigil_srsc *vigil_history_rsc(const vigil_sched *s, GPtrArray *last, guint position,
			      const char *id);

/* Whether R requires fencing (Pacemaker's pe_rsc_needs_fencing): its own "requires", or by
 * default where fencing is enabled, except for fencing devices. */
bool vigil_srsc_needs_fencing(const vigil_sched *s, const vigil_srsc *r);
