/* The cluster information base (CIB): Pacemaker-compatible XML, parsed once at the edge
 * into the structs below, and written back without losing anything.
 *
 * Every element and attribute survives load -> save; comments, processing instructions and
 * formatting are not part of the CIB and are not kept.
 *
 * Attribute values are kept as the strings the user wrote (so "10s" stays "10s"); the
 * typed views the scheduler needs are computed by the functions at the end of this file
 * and in nodestate.h. Elements Vigil does not interpret (clone, fencing-topology, alerts,
 * resource sets, anything inside status it does not know) are kept verbatim in 'extra'. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "common/xattrs.h"

typedef struct vigil_rule vigil_rule;

/* <nvpair id name value/> */
typedef struct vigil_nvpair {
	char *id, *id_ref, *name, *value;
	vigil_extra extra;
	unsigned line;
} vigil_nvpair;

/* cluster_property_set, instance_attributes, meta_attributes, utilization */
typedef struct vigil_nvset {
	char *element; /* which of the above */
	char *id, *id_ref, *score;
	vigil_rule *rule; /* optional: the set applies only where the rule holds */
	GPtrArray *nvpairs; /* of vigil_nvpair* */
	vigil_extra extra;
	unsigned line;
} vigil_nvset;

/* <expression attribute operation value type value-source/> */
typedef struct vigil_expr {
	char *id, *attribute, *operation, *value, *type, *value_source;
	vigil_extra extra;
	unsigned line;
} vigil_expr;

/* <rule score|score-attribute boolean-op role> of expressions and nested rules. */
struct vigil_rule {
	char *id, *id_ref, *score, *score_attribute, *boolean_op, *role;
	GPtrArray *exprs; /* of vigil_expr* */
	GPtrArray *rules; /* of vigil_rule* (nested) */
	vigil_extra extra; /* date_expression and the like, verbatim */
	unsigned line;
};

/* <node id uname type> */
typedef struct vigil_node {
	char *id, *uname, *type, *score, *description;
	GPtrArray *nvsets; /* instance_attributes, utilization */
	vigil_extra extra;
	unsigned line;
} vigil_node;

/* <op id name interval timeout on-fail role enabled> */
typedef struct vigil_op {
	char *id, *name, *interval, *timeout, *on_fail, *role, *enabled, *start_delay;
	GPtrArray *nvsets;
	vigil_extra extra;
	unsigned line;
} vigil_op;

typedef enum vigil_rsc_kind {
	VIGIL_RSC_PRIMITIVE,
	VIGIL_RSC_GROUP,
	VIGIL_RSC_OTHER, /* clone, bundle, ...: kept verbatim, not managed by Vigil */
} vigil_rsc_kind;

typedef struct vigil_rsc vigil_rsc;
struct vigil_rsc {
	vigil_rsc_kind kind;
	char *element; /* "primitive", "group", or the verbatim element's name */
	char *id, *description;
	/* primitive */
	char *class_, *provider, *type;
	bool has_operations; /* an <operations> element was present */
	char *operations_id;
	vigil_extra operations_extra;
	GPtrArray *ops; /* of vigil_op* */
	/* group: its primitives, in order */
	GPtrArray *members; /* of vigil_rsc* */
	vigil_rsc *parent;  /* the group a primitive belongs to, or NULL */
	GPtrArray *nvsets;  /* instance_attributes, meta_attributes, utilization */
	vigil_extra extra;
	xmlNode *raw;       /* VIGIL_RSC_OTHER: the element itself */
	unsigned line;      /* line in the source document, 0 if unknown */
};

typedef enum vigil_cons_kind {
	VIGIL_CONS_LOCATION,
	VIGIL_CONS_COLOCATION,
	VIGIL_CONS_ORDER,
	VIGIL_CONS_OTHER, /* rsc_ticket, ...: kept verbatim */
} vigil_cons_kind;

typedef struct vigil_constraint {
	vigil_cons_kind kind;
	char *element;
	char *id, *score, *score_attribute;
	/* rsc_location: rsc node score role resource-discovery, or rules */
	char *rsc, *rsc_pattern, *node, *role, *resource_discovery;
	GPtrArray *rules; /* of vigil_rule* */
	/* rsc_colocation: rsc with-rsc score rsc-role with-rsc-role node-attribute influence */
	char *with_rsc, *rsc_role, *with_rsc_role, *node_attribute, *influence;
	/* rsc_order: first then first-action then-action kind symmetrical */
	char *first, *then, *first_action, *then_action, *order_kind, *symmetrical;
	vigil_extra extra; /* resource sets among others */
	xmlNode *raw;      /* VIGIL_CONS_OTHER */
	unsigned line;
} vigil_constraint;

/* status: <lrm_rsc_op>. Typed values are parsed on load; -1 when absent or malformed. */
typedef struct vigil_lrm_op {
	char *id, *operation_key, *operation, *call_id, *rc_code, *op_status, *interval;
	char *last_rc_change, *last_run, *exec_time, *queue_time, *on_node, *exit_reason;
	char *transition_key, *transition_magic, *op_digest, *crm_feature_set;
	int call_id_v, rc_code_v, op_status_v;
	int target_rc_v; /* the third field of the transition key, -1 if none */
	int64_t interval_ms_v, last_rc_change_v;
	vigil_extra extra;
	/* the struct and its strings live in the CIB's status arena (the fast status reader
	 * makes them so); an operation's history entry never changes once recorded */
	bool in_arena;
} vigil_lrm_op;

/* status: <lrm_resource id class provider type> and its operation history. */
typedef struct vigil_lrm_rsc {
	char *id, *class_, *provider, *type;
	GPtrArray *ops; /* of vigil_lrm_op*, in document order */
	vigil_extra extra;
	bool in_arena; /* the struct and its strings live in the CIB's status arena */
} vigil_lrm_rsc;

/* status: <node_state> */
typedef struct vigil_node_state {
	char *id, *uname, *in_ccm, *crmd, *join, *expected, *shutdown, *crm_debug_origin;
	/* <lrm><lrm_resources> */
	bool has_lrm, has_lrm_resources;
	char *lrm_id, *lrm_resources_id;
	vigil_extra lrm_extra, lrm_resources_extra;
	GPtrArray *lrm_rscs; /* of vigil_lrm_rsc* */
	/* <transient_attributes><instance_attributes> */
	bool has_transient;
	char *transient_id;
	vigil_extra transient_extra;
	GPtrArray *transient; /* of vigil_nvset* */
	vigil_extra extra;
} vigil_node_state;

/* Version triple; compared lexicographically. */
typedef struct vigil_cib_version {
	uint64_t admin_epoch, epoch, num_updates;
} vigil_cib_version;

typedef struct vigil_cib {
	/* <cib> */
	vigil_cib_version version;
	char *validate_with, *crm_feature_set, *have_quorum, *dc_uuid, *execution_date;
	char *cib_last_written;
	vigil_extra extra;
	/* <configuration>; which sections exist (always, unless validate-with="none" omits
	 * them: then they are not added on write either) */
	bool has_configuration, has_crm_config, has_nodes, has_resources, has_constraints;
	GPtrArray *crm_config;   /* of vigil_nvset* (cluster_property_set) */
	GPtrArray *nodes;        /* of vigil_node* */
	GPtrArray *resources;    /* of vigil_rsc*, top level, in order */
	GPtrArray *constraints;  /* of vigil_constraint*, in order */
	bool has_rsc_defaults, has_op_defaults;
	GPtrArray *rsc_defaults; /* of vigil_nvset* (meta_attributes) */
	GPtrArray *op_defaults;  /* of vigil_nvset* (meta_attributes) */
	vigil_extra configuration_extra; /* its attributes; fencing-topology, acls, tags, alerts */
	/* attributes and unknown children of each section, kept in place */
	vigil_extra crm_config_extra, nodes_extra, resources_extra, constraints_extra;
	vigil_extra rsc_defaults_extra, op_defaults_extra;
	/* <status> */
	bool has_status;
	GPtrArray *node_states;  /* of vigil_node_state* */
	vigil_extra status_extra;
	/* Index of every primitive and group by id (borrowed pointers). */
	GHashTable *rsc_index;
	/* where the fast status reader put the histories it read ('in_arena' ones) */
	struct vigil_arena *status_arena;
} vigil_cib;

/* --- life cycle, reading, writing (cib.c, cib-read.c, cib-write.c) --------------------- */

vigil_cib *vigil_cib_new(void);
void vigil_cib_free(vigil_cib *cib);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_cib, vigil_cib_free)
/* Exchanges the status sections of A and B (a new configuration keeps the cluster's
 * status). */
void vigil_cib_swap_status(vigil_cib *a, vigil_cib *b);

/* A problem found while loading or verifying, with its place in the document. */
typedef enum vigil_severity { VIGIL_WARNING, VIGIL_ERROR } vigil_severity;
typedef struct vigil_diag {
	vigil_severity severity;
	unsigned line;  /* 0 if unknown */
	char *element;  /* element name, or NULL */
	char *message;  /* one sentence, no trailing newline */
} vigil_diag;
void vigil_diag_free(vigil_diag *d);
/* Appends a diagnostic to DIAGS (a GPtrArray of vigil_diag* made by vigil_diags_new). */
GPtrArray *vigil_diags_new(void);
void vigil_diag_add(GPtrArray *diags, vigil_severity sev, unsigned line, const char *element,
		    const char *fmt, ...) G_GNUC_PRINTF(5, 6);
bool vigil_diags_have_errors(const GPtrArray *diags);

/* Parses XML text (strictly: no recovery from malformed XML), validates it against Vigil's
 * schema and builds the structs. On failure returns -EBADMSG (not well-formed),
 * -EPROTO (schema violation) or -ENOMEM, and appends the reasons to DIAGS (may be NULL). */
int vigil_cib_parse(const char *data, size_t len, const char *name, GPtrArray *diags,
		    vigil_cib **ret_cib);
/* Parses without the schema, for diagnosis only: lets 'config verify' explain a schema
 * violation with Vigil's own, more specific checks. Never use the result otherwise. */
int vigil_cib_parse_unvalidated(const char *data, size_t len, const char *name,
				GPtrArray *diags, vigil_cib **ret_cib);
/* Same as vigil_cib_parse, from a file. -errno of the read on I/O failure. */
int vigil_cib_load_file(const char *path, GPtrArray *diags, vigil_cib **ret_cib);

/* Serializes the whole CIB (formatted, UTF-8, with XML declaration). */
int vigil_cib_to_xml(const vigil_cib *cib, char **ret_text, size_t *ret_len);
/* Serializes only <configuration>, unformatted: the input of the digest. */
int vigil_cib_configuration_to_xml(const vigil_cib *cib, char **ret_text);
/* Writes the CIB to PATH atomically (temp file, fsync, rename). */
int vigil_cib_save_file(const vigil_cib *cib, const char *path);

/* --- versioning (digest.c) ------------------------------------------------------------- */

/* -1, 0, 1 as A is older, equal, newer than B. */
int vigil_cib_version_cmp(const vigil_cib_version *a, const vigil_cib_version *b);
/* After a configuration change: epoch+1, num_updates=0. After a status change:
 * num_updates+1. admin_epoch only changes by explicit request. */
void vigil_cib_bump_epoch(vigil_cib *cib);
void vigil_cib_bump_num_updates(vigil_cib *cib);
/* SHA-256 (hex) of the canonical serialization of <configuration>. */
int vigil_cib_digest(const vigil_cib *cib, char **ret_hex);

/* --- queries --------------------------------------------------------------------------- */

/* The primitive or group with ID, or NULL. */
vigil_rsc *vigil_cib_find_rsc(const vigil_cib *cib, const char *id);
/* The node with uname NAME, or NULL. */
vigil_node *vigil_cib_find_node(const vigil_cib *cib, const char *uname);
/* The value of NAME in NVSETS (of kind ELEMENT, any if NULL), by Pacemaker's precedence:
 * the set with the highest score wins, ties go to the earlier set, and a set whose id is
 * FIRST_ID (may be NULL) comes before all. NULL if no set has it. (Rules on sets are not
 * evaluated here; the scheduler does that.) */
const char *vigil_nvsets_lookup(const GPtrArray *nvsets, const char *element, const char *name,
				const char *first_id);
/* vigil_nvsets_lookup without a set that always comes first. */
const char *vigil_nvsets_get(const GPtrArray *nvsets, const char *element, const char *name);
/* A cluster property (crm_config), or NULL. */
const char *vigil_cib_property(const vigil_cib *cib, const char *name);
/* "ocf:heartbeat:IPaddr2", "systemd:haproxy", "stonith:fence_xvm". Caller frees. */
char *vigil_rsc_agent(const vigil_rsc *rsc);
/* The same from its parts ("class:provider:type", or "class:type" without a provider), for
 * callers with memory of their own: vigil_agent_size() bytes (with the NUL) written at DST,
 * which is returned. */
size_t vigil_agent_size(const char *class_, const char *provider, const char *type);
char *vigil_agent_write(char *dst, const char *class_, const char *provider, const char *type);
