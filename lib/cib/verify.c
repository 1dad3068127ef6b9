/* Semantic checks: ids, references, values, groups, order cycles, and what the status
 * section implies (nodes that will be fenced or cannot be). Messages are whole sentences
 * that say what is wrong and what to do. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cib/cib-private.h"
#include "cib/nodestate.h"
#include "cib/verify.h"
#include "common/duration.h"
#include "common/score.h"

/* For messages about elements whose ids may be missing (validate-with="none"). */
#define S(x) ((x) != NULL ? (x) : "?")
#define ERR(d, line, el, ...) vigil_diag_add(d, VIGIL_ERROR, line, el, __VA_ARGS__)
#define WARN(d, line, el, ...) vigil_diag_add(d, VIGIL_WARNING, line, el, __VA_ARGS__)

typedef struct vctx {
	const vigil_cib *cib;
	GPtrArray *diags;
	GHashTable *ids;      /* id -> element name, for duplicates */
	GHashTable *rsc_ids;  /* every resource id, including those inside verbatim clones */
	GStringChunk *strings; /* ids and names read from verbatim elements */
	vigil_cluster_opts opts;
	int64_t now;
} vctx;

static bool one_of(const char *v, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(v, *allowed) == 0)
			return true;
	return false;
}

/* --- ids ------------------------------------------------------------------------------- */

static void note_id(vctx *c, const char *id, const char *element, unsigned line)
{
	const char *prev;

	if (id == NULL)
		return;
	prev = g_hash_table_lookup(c->ids, id);
	if (prev != NULL) {
		ERR(c->diags, line, element,
		    "The id '%s' of this <%s> is already used by a <%s>; ids must be unique "
		    "across the configuration, rename one of them.", id, element, prev);
		return;
	}
	g_hash_table_insert(c->ids, (gpointer)id, (gpointer)element);
}

static void note_rule_ids(vctx *c, const vigil_rule *r)
{
	note_id(c, r->id, "rule", r->line);
	for (guint i = 0; i < r->exprs->len; i++) {
		const vigil_expr *e = g_ptr_array_index(r->exprs, i);

		note_id(c, e->id, "expression", e->line);
	}
	for (guint i = 0; i < r->rules->len; i++)
		note_rule_ids(c, g_ptr_array_index(r->rules, i));
}

static void note_nvset_ids(vctx *c, const GPtrArray *sets)
{
	for (guint i = 0; sets != NULL && i < sets->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(sets, i);

		note_id(c, s->id, s->element, s->line);
		if (s->rule != NULL)
			note_rule_ids(c, s->rule);
		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);

			note_id(c, p->id, "nvpair", p->line);
		}
	}
}

static void note_raw_ids(vctx *c, const xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		xmlChar *id;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		id = xmlGetProp(n, BAD_CAST "id");
		if (id != NULL) {
			const char *kept = g_string_chunk_insert_const(c->strings, (const char *)id);

			note_id(c, kept, g_string_chunk_insert_const(c->strings,
								     (const char *)n->name),
				(unsigned)xmlGetLineNo(n));
			/* what a constraint may name: resources, templates and tags */
			if (vigil_xml_is(n, "primitive") || vigil_xml_is(n, "group") ||
			    vigil_xml_is(n, "clone") || vigil_xml_is(n, "master") ||
			    vigil_xml_is(n, "bundle") || vigil_xml_is(n, "template") ||
			    vigil_xml_is(n, "tag"))
				g_hash_table_add(c->rsc_ids, (gpointer)kept);
		}
		xmlFree(id);
		note_raw_ids(c, n->children);
	}
}

static void note_rsc_ids(vctx *c, const vigil_rsc *rsc)
{
	if (rsc->kind == VIGIL_RSC_OTHER) {
		note_raw_ids(c, rsc->raw);
		return;
	}
	note_id(c, rsc->id, rsc->element, rsc->line);
	if (rsc->id != NULL)
		g_hash_table_add(c->rsc_ids, rsc->id);
	note_nvset_ids(c, rsc->nvsets);
	note_id(c, rsc->operations_id, "operations", rsc->line);
	for (guint i = 0; i < rsc->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(rsc->ops, i);

		note_id(c, op->id, "op", op->line);
		note_nvset_ids(c, op->nvsets);
	}
	for (guint i = 0; i < rsc->members->len; i++)
		note_rsc_ids(c, g_ptr_array_index(rsc->members, i));
}

static void check_ids(vctx *c)
{
	const vigil_cib *cib = c->cib;

	note_nvset_ids(c, cib->crm_config);
	note_nvset_ids(c, cib->rsc_defaults);
	note_nvset_ids(c, cib->op_defaults);
	for (guint i = 0; i < cib->resources->len; i++)
		note_rsc_ids(c, g_ptr_array_index(cib->resources, i));
	for (guint i = 0; cib->configuration_extra.children != NULL &&
			  i < cib->configuration_extra.children->len; i++) {
		const xmlNode *n = g_ptr_array_index(cib->configuration_extra.children, i);

		if (vigil_xml_is(n, "tags"))
			note_raw_ids(c, n->children);
	}
	for (guint i = 0; i < cib->constraints->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(cib->constraints, i);

		if (k->kind == VIGIL_CONS_OTHER) {
			note_raw_ids(c, k->raw);
			continue;
		}
		note_id(c, k->id, k->element, k->line);
		for (guint j = 0; j < k->rules->len; j++)
			note_rule_ids(c, g_ptr_array_index(k->rules, j));
	}
}

static void check_node_ids(vctx *c)
{
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < c->cib->nodes->len; i++) {
		const vigil_node *n = g_ptr_array_index(c->cib->nodes, i);

		if (n->id != NULL && !g_hash_table_add(ids, n->id))
			ERR(c->diags, n->line, "node", "Two nodes have the id '%s'; give each node "
			    "its own id.", n->id);
		if (n->uname == NULL)
			ERR(c->diags, n->line, "node", "The node with id '%s' has no uname; add "
			    "uname=\"NAME\", its name in corosync.conf.", S(n->id));
		else if (!g_hash_table_add(names, n->uname))
			ERR(c->diags, n->line, "node", "Two nodes are named '%s'; node names "
			    "(uname) must be unique.", n->uname);
		note_nvset_ids(c, n->nvsets);
	}
}

/* --- values ---------------------------------------------------------------------------- */

static void check_duration(vctx *c, const char *value, const char *what, const char *owner,
			   const char *element, unsigned line)
{
	uint64_t ms;

	if (value == NULL || vigil_duration_parse_ms(value, &ms) == 0)
		return;
	ERR(c->diags, line, element,
	    "The %s '%s' of %s is not a valid duration; use a number with an optional unit "
	    "(ms, s, min, h) such as '30s', or ISO 8601 such as 'PT30S'.", what, value, owner);
}

static void check_score(vctx *c, const char *value, const char *what, const char *owner,
			const char *element, unsigned line)
{
	int score;

	if (value == NULL || vigil_score_parse(value, &score) == 0)
		return;
	ERR(c->diags, line, element,
	    "The %s '%s' of %s is not a valid score; use an integer, INFINITY or -INFINITY.",
	    what, value, owner);
}

static void check_bool(vctx *c, const char *value, const char *what, const char *owner,
		       const char *element, unsigned line)
{
	bool b;

	if (value == NULL || vigil_str_to_bool(value, &b) == 0)
		return;
	ERR(c->diags, line, element, "The %s '%s' of %s is not a boolean; use true or false.",
	    what, value, owner);
}

static const char *const roles[] = { "Stopped", "Started", "Slave", "Master", "Unpromoted",
				     "Promoted", NULL };

static bool one_of_nocase(const char *v, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcasecmp(v, *allowed) == 0)
			return true;
	return false;
}

/* Enumerations, read case-insensitively as Pacemaker reads them ("started" is Started,
 * "Stop" is stop). */
static void check_enum(vctx *c, const char *value, const char *const *allowed,
		       const char *what, const char *owner, const char *element, unsigned line)
{
	g_autofree char *list = NULL;

	if (value == NULL || one_of_nocase(value, allowed))
		return;
	list = g_strjoinv(", ", (char **)allowed);
	ERR(c->diags, line, element, "The %s '%s' of %s is not valid; use one of: %s.", what,
	    value, owner, list);
}


/* --- cluster properties ---------------------------------------------------------------- */

static unsigned property_line(const vigil_cib *cib, const char *name)
{
	for (guint i = 0; i < cib->crm_config->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(cib->crm_config, i);

		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);

			if (g_strcmp0(p->name, name) == 0)
				return p->line;
		}
	}
	return 0;
}

static void check_properties(vctx *c)
{
	static const char *const bools[] = { "stonith-enabled", "symmetric-cluster",
		"maintenance-mode", "startup-fencing", "stop-all-resources", "stop-orphan-resources",
		"stop-orphan-actions", "start-failure-is-fatal", "enable-startup-probes", NULL };
	static const char *const durations[] = { "cluster-recheck-interval", "stonith-timeout",
		"dc-deadtime", "shutdown-escalation", "transition-delay", "stonith-watchdog-timeout",
		NULL };
	static const char *const nqp[] = { "stop", "freeze", "ignore", "demote", "suicide", NULL };

	for (guint i = 0; i < c->cib->crm_config->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(c->cib->crm_config, i);

		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);
			g_autofree char *owner = g_strdup_printf("cluster property '%s'", p->name);

			if (p->name == NULL)
				continue;
			if (one_of(p->name, bools))
				check_bool(c, p->value, "value", owner, "nvpair", p->line);
			else if (one_of(p->name, durations))
				check_duration(c, p->value, "value", owner, "nvpair", p->line);
			else if (strcmp(p->name, "no-quorum-policy") == 0)
				check_enum(c, p->value, nqp, "value", owner, "nvpair", p->line);
			else if (strcmp(p->name, "default-resource-stickiness") == 0)
				check_score(c, p->value, "value", owner, "nvpair", p->line);
		}
	}
	if (g_strcmp0(vigil_cib_property(c->cib, "no-quorum-policy"), "suicide") == 0 &&
	    !c->opts.stonith_enabled)
		ERR(c->diags, property_line(c->cib, "no-quorum-policy"), "nvpair",
		    "no-quorum-policy=suicide needs fencing, which is disabled, "
		    "so it acts as 'stop'; enable stonith-enabled or choose another policy.");
	if (c->opts.stonith_enabled && !c->opts.have_stonith_rsc)
		WARN(c->diags, 0, NULL,
		     "stonith-enabled is true but no stonith resource is defined, so no resource "
		     "will be started; add a stonith device (a primitive of class stonith) or set "
		     "stonith-enabled=false (only for clusters without shared data).");
}

/* --- resources ------------------------------------------------------------------------- */

static void check_meta(vctx *c, const GPtrArray *nvsets, const char *owner)
{
	for (guint i = 0; nvsets != NULL && i < nvsets->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(nvsets, i);

		if (strcmp(s->element, "meta_attributes") != 0)
			continue;
		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);
			const char *n = p->name != NULL ? p->name : "";
			g_autofree char *what = g_strdup_printf("meta attribute '%s'", n);

			if (strcmp(n, "failure-timeout") == 0)
				check_duration(c, p->value, what, owner, "nvpair", p->line);
			else if (strcmp(n, "migration-threshold") == 0 ||
				 strcmp(n, "resource-stickiness") == 0)
				check_score(c, p->value, what, owner, "nvpair", p->line);
			else if (strcmp(n, "is-managed") == 0 || strcmp(n, "maintenance") == 0)
				check_bool(c, p->value, what, owner, "nvpair", p->line);
			else if (strcmp(n, "target-role") == 0)
				check_enum(c, p->value, roles, what, owner, "nvpair", p->line);
			else if (strcmp(n, "restart-type") == 0)
				WARN(c->diags, p->line, "nvpair", "The meta attribute 'restart-type' "
				     "of %s is deprecated and has no effect; remove it (use ordering "
				     "constraints instead).", owner);
		}
	}
}

static bool is_one_shot(const char *name)
{
	static const char *const one_shot[] = { "start", "stop", "promote", "demote",
						"migrate_to", "migrate_from", NULL };

	return one_of(name, one_shot);
}

static void check_op(vctx *c, const vigil_rsc *rsc, const vigil_op *op, GHashTable *seen)
{
	static const char *const on_fail[] = { "ignore", "block", "stop", "restart", "standby",
		"fence", "restart-container", "demote", NULL };
	g_autofree char *owner = g_strdup_printf("operation '%s' of resource '%s'", S(op->name),
						 S(rsc->id));
	g_autofree char *key = NULL;
	uint64_t ms = 0;

	if (op->name == NULL || op->interval == NULL) {
		ERR(c->diags, op->line, "op", "An operation of resource '%s' lacks a name or an "
		    "interval; give every <op> both (interval 0 for non-recurring ones).", S(rsc->id));
		return;
	}
	check_duration(c, op->interval, "interval", owner, "op", op->line);
	check_duration(c, op->timeout, "timeout", owner, "op", op->line);
	check_duration(c, op->start_delay, "start-delay", owner, "op", op->line);
	check_enum(c, op->on_fail, on_fail, "on-fail", owner, "op", op->line);
	check_enum(c, op->role, roles, "role", owner, "op", op->line);
	check_bool(c, op->enabled, "enabled", owner, "op", op->line);
	if (vigil_duration_parse_ms(op->interval, &ms) < 0)
		return;
	if (ms != 0 && is_one_shot(op->name))
		ERR(c->diags, op->line, "op", "The %s operation of resource '%s' cannot be "
		    "recurring; give it interval 0.", op->name, S(rsc->id));
	/* Pacemaker tells operations apart by name and interval only (not by role) */
	key = g_strdup_printf("%s/%s/%" G_GUINT64_FORMAT, S(rsc->id), op->name, ms);
	if (!g_hash_table_add(seen, g_steal_pointer(&key)))
		ERR(c->diags, op->line, "op", "Resource '%s' has two '%s' operations with the "
		    "same interval %s; keep one, or give them different intervals.", S(rsc->id),
		    op->name, op->interval);
}

static void check_primitive(vctx *c, const vigil_rsc *rsc)
{
	static const char *const classes[] = { "ocf", "systemd", "stonith", NULL };
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *owner = g_strdup_printf("resource '%s'", rsc->id ? rsc->id : "?");

	if (vigil_extra_attr(&rsc->extra, "template") != NULL) {
		ERR(c->diags, rsc->line, "primitive", "Resource '%s' takes its definition from "
		    "template '%s', which Vigil does not support yet; give its class, provider and "
		    "type instead.", S(rsc->id), vigil_extra_attr(&rsc->extra, "template"));
	} else if (rsc->class_ == NULL || rsc->type == NULL) {
		ERR(c->diags, rsc->line, "primitive", "Resource '%s' needs both a class and a "
		    "type, e.g. class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\".",
		    rsc->id ? rsc->id : "?");
	} else if (!one_of(rsc->class_, classes)) {
		ERR(c->diags, rsc->line, "primitive", "Resource '%s' has class '%s', which Vigil "
		    "cannot run; use ocf, systemd or stonith.", S(rsc->id), rsc->class_);
	} else if (strcmp(rsc->class_, "ocf") == 0 && rsc->provider == NULL) {
		ERR(c->diags, rsc->line, "primitive", "OCF resource '%s' needs a provider, e.g. "
		    "provider=\"heartbeat\".", S(rsc->id));
	}
	check_meta(c, rsc->nvsets, owner);
	for (guint i = 0; i < rsc->ops->len; i++)
		check_op(c, rsc, g_ptr_array_index(rsc->ops, i), seen);
}

static void check_resources(vctx *c)
{
	g_autoptr(GHashTable) owner = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < c->cib->resources->len; i++) {
		const vigil_rsc *rsc = g_ptr_array_index(c->cib->resources, i);

		if (rsc->kind == VIGIL_RSC_OTHER && g_strcmp0(rsc->element, "template") == 0)
			ERR(c->diags, rsc->line, "template", "Resource template '%s' is not supported "
			    "by Vigil yet; define its primitives in full.", S(rsc->id));
		const char *gid = rsc->id != NULL ? rsc->id : "?";
		g_autofree char *what = g_strdup_printf("group '%s'", gid);

		if (rsc->kind == VIGIL_RSC_PRIMITIVE)
			check_primitive(c, rsc);
		if (rsc->kind != VIGIL_RSC_GROUP)
			continue;
		check_meta(c, rsc->nvsets, what);
		if (rsc->members->len == 0)
			ERR(c->diags, rsc->line, "group", "Group '%s' has no members; add a "
			    "primitive to it or delete it.", gid);
		for (guint j = 0; j < rsc->members->len; j++) {
			const vigil_rsc *m = g_ptr_array_index(rsc->members, j);
			const char *prev = m->id ? g_hash_table_lookup(owner, m->id) : NULL;

			check_primitive(c, m);
			if (prev != NULL && strcmp(prev, gid) != 0)
				ERR(c->diags, m->line, "primitive", "Resource '%s' is a member of both "
				    "group '%s' and group '%s'; a resource belongs to at most one "
				    "group.", m->id, prev, gid);
			else if (m->id != NULL)
				g_hash_table_insert(owner, m->id, (gpointer)gid);
		}
	}
	if (c->cib->has_rsc_defaults)
		check_meta(c, c->cib->rsc_defaults, "rsc_defaults");
}

/* --- constraints ----------------------------------------------------------------------- */

static void check_ref(vctx *c, const vigil_constraint *k, const char *attr, const char *id)
{
	if (id == NULL || g_hash_table_contains(c->rsc_ids, id))
		return;
	ERR(c->diags, k->line, k->element, "Constraint '%s' refers to resource '%s' (%s), which "
	    "does not exist; fix the id or delete the constraint.", k->id ? k->id : "?", id, attr);
}

/* Rule elements of later Pacemaker schemas that Vigil does not evaluate. */
static void check_rule_support(vctx *c, const vigil_rule *r, const char *owner)
{
	for (guint i = 0; r->extra.children != NULL && i < r->extra.children->len; i++) {
		const xmlNode *n = g_ptr_array_index(r->extra.children, i);

		if (vigil_xml_is(n, "rsc_expression") || vigil_xml_is(n, "op_expression"))
			ERR(c->diags, r->line, "rule", "A rule of %s uses <%s>, which Vigil does not "
			    "support yet; remove it or express the condition on node attributes.",
			    owner, (const char *)n->name);
	}
}

static void check_rule_values(vctx *c, const vigil_rule *r, const char *owner)
{
	check_rule_support(c, r, owner);
	static const char *const ops[] = { "lt", "gt", "lte", "gte", "eq", "ne", "defined",
					   "not_defined", NULL };
	static const char *const bool_ops[] = { "and", "or", NULL };

	check_score(c, r->score, "score", owner, "rule", r->line);
	check_enum(c, r->boolean_op, bool_ops, "boolean-op", owner, "rule", r->line);
	for (guint i = 0; i < r->exprs->len; i++) {
		const vigil_expr *e = g_ptr_array_index(r->exprs, i);

		check_enum(c, e->operation, ops, "operation", owner, "expression", e->line);
	}
	for (guint i = 0; i < r->rules->len; i++)
		check_rule_values(c, g_ptr_array_index(r->rules, i), owner);
}

static void check_location(vctx *c, const vigil_constraint *k, const char *owner)
{
	check_ref(c, k, "rsc", k->rsc);
	check_score(c, k->score, "score", owner, k->element, k->line);
	if (k->rules->len == 0 && (k->node == NULL || k->score == NULL) &&
	    (k->extra.children == NULL || k->extra.children->len == 0))
		ERR(c->diags, k->line, k->element, "Location constraint '%s' needs a node and a "
		    "score, or a rule.", k->id ? k->id : "?");
	for (guint i = 0; i < k->rules->len; i++)
		check_rule_values(c, g_ptr_array_index(k->rules, i), owner);
}

static void check_constraints(vctx *c)
{
	static const char *const kinds[] = { "Mandatory", "Optional", "Serialize", NULL };
	static const char *const actions[] = { "start", "stop", "promote", "demote", NULL };

	for (guint i = 0; i < c->cib->constraints->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(c->cib->constraints, i);
		g_autofree char *owner = g_strdup_printf("constraint '%s'", k->id ? k->id : "?");

		switch (k->kind) {
		case VIGIL_CONS_LOCATION:
			check_location(c, k, owner);
			break;
		case VIGIL_CONS_COLOCATION:
			check_ref(c, k, "rsc", k->rsc);
			check_ref(c, k, "with-rsc", k->with_rsc);
			check_score(c, k->score, "score", owner, k->element, k->line);
			check_enum(c, k->rsc_role, roles, "rsc-role", owner, k->element, k->line);
			check_enum(c, k->with_rsc_role, roles, "with-rsc-role", owner,
				   k->element, k->line);
			break;
		case VIGIL_CONS_ORDER:
			check_ref(c, k, "first", k->first);
			check_ref(c, k, "then", k->then);
			check_enum(c, k->order_kind, kinds, "kind", owner, k->element, k->line);
			check_enum(c, k->first_action, actions, "first-action", owner,
				   k->element, k->line);
			check_enum(c, k->then_action, actions, "then-action", owner,
				   k->element, k->line);
			check_bool(c, k->symmetrical, "symmetrical", owner, k->element, k->line);
			check_score(c, k->score, "score", owner, k->element, k->line);
			if (k->score != NULL)
				WARN(c->diags, k->line, k->element, "The score of ordering constraint "
				     "'%s' is deprecated; use kind=\"Mandatory\" or kind=\"Optional\" "
				     "instead.", S(k->id));
			break;
		case VIGIL_CONS_OTHER:
			break;
		}
	}
}

/* --- groups against their members' own constraints --------------------------------------- */

static const vigil_rsc *group_of(const vctx *c, const char *id)
{
	const vigil_rsc *r = vigil_cib_find_rsc(c->cib, id);

	if (r == NULL)
		return NULL;
	return r->kind == VIGIL_RSC_GROUP ? r : r->parent;
}

static void check_group_colocations(vctx *c)
{
	for (guint i = 0; i < c->cib->constraints->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(c->cib->constraints, i);
		const vigil_rsc *ga, *gb;
		int score;

		if (k->kind != VIGIL_CONS_COLOCATION || k->rsc == NULL || k->with_rsc == NULL ||
		    vigil_score_parse(k->score, &score) < 0 || score >= 0)
			continue;
		ga = group_of(c, k->rsc);
		gb = group_of(c, k->with_rsc);
		if (ga == NULL || ga != gb)
			continue;
		ERR(c->diags, k->line, k->element, "Constraint '%s' keeps '%s' and '%s' apart, but "
		    "group '%s' keeps its members together; delete the constraint or take one of "
		    "them out of the group.", k->id, k->rsc, k->with_rsc, ga->id);
	}
}

/* A member (or the group) banned from a node where the group, or another member, is
 * required to run: the group can never satisfy both. */
/* A location constraint on a group or one of its members, with a parsed node score. */
static const vigil_rsc *group_location(const vctx *c, const vigil_constraint *k, int *ret_score)
{
	const vigil_rsc *g = k->kind == VIGIL_CONS_LOCATION ? group_of(c, k->rsc) : NULL;

	if (g == NULL || k->node == NULL || vigil_score_parse(k->score, ret_score) < 0)
		return NULL;
	return g;
}

static void check_group_locations(vctx *c)
{
	g_autoptr(GHashTable) must = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const GPtrArray *cons = c->cib->constraints;
	int score;

	/* where the group, or one of its members, is required to run */
	for (guint i = 0; i < cons->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(cons, i);
		const vigil_rsc *g = group_location(c, k, &score);

		if (g != NULL && score >= VIGIL_SCORE_INFINITY)
			g_hash_table_insert(must, g_strdup_printf("%s\n%s", S(g->id), k->node),
					    (gpointer)k);
	}
	/* ... and banned from the same node, by another constraint */
	for (guint i = 0; i < cons->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(cons, i), *other;
		const vigil_rsc *g = group_location(c, k, &score);
		g_autofree char *key = NULL;

		if (g == NULL || score > -VIGIL_SCORE_INFINITY)
			continue;
		key = g_strdup_printf("%s\n%s", S(g->id), k->node);
		other = g_hash_table_lookup(must, key);
		if (other == NULL)
			continue;
		if (g_strcmp0(other->rsc, k->rsc) == 0)
			ERR(c->diags, k->line, k->element, "Constraint '%s' bans '%s' from node "
			    "'%s', where constraint '%s' requires it; remove one of them.", S(k->id),
			    k->rsc, k->node, S(other->id));
		else
			ERR(c->diags, k->line, k->element, "Constraint '%s' bans '%s' from node "
			    "'%s', but constraint '%s' requires '%s' there and both belong to group "
			    "'%s'; remove one of the constraints.", S(k->id), k->rsc, k->node,
			    S(other->id), other->rsc, S(g->id));
	}
}

/* --- order cycles ------------------------------------------------------------------------ */

typedef struct order_graph {
	GHashTable *edges; /* "rsc action" -> GPtrArray of struct edge* */
} order_graph;

struct edge {
	char *to;
	const char *why; /* constraint id or group id */
	bool group;
};

static void edge_free(gpointer p)
{
	struct edge *e = p;

	g_free(e->to);
	g_free(e);
}

static const char *inverse_action(const char *a)
{
	if (strcmp(a, "start") == 0)
		return "stop";
	if (strcmp(a, "stop") == 0)
		return "start";
	if (strcmp(a, "promote") == 0)
		return "demote";
	return "promote";
}

static void add_edge(order_graph *g, const char *from_rsc, const char *from_act,
		     const char *to_rsc, const char *to_act, const char *why, bool group)
{
	g_autofree char *from = g_strdup_printf("%s %s", from_rsc, from_act);
	GPtrArray *list = g_hash_table_lookup(g->edges, from);
	struct edge *e = g_new0(struct edge, 1);

	if (list == NULL) {
		list = g_ptr_array_new_with_free_func(edge_free);
		g_hash_table_insert(g->edges, g_strdup(from), list);
	}
	e->to = g_strdup_printf("%s %s", to_rsc, to_act);
	e->why = why;
	e->group = group;
	g_ptr_array_add(list, e);
}

/* The member whose ACTION completes (AS_FIRST) or begins (!AS_FIRST) the group's ACTION. */
static const char *order_endpoint(const vctx *c, const char *id, const char *action,
				  bool as_first)
{
	const vigil_rsc *r = vigil_cib_find_rsc(c->cib, id);
	bool forward = strcmp(action, "stop") != 0 && strcmp(action, "demote") != 0;
	guint n;

	if (r == NULL || r->kind != VIGIL_RSC_GROUP || r->members->len == 0)
		return id;
	n = r->members->len;
	/* members start in order and stop in reverse */
	if (as_first == forward)
		return S(((vigil_rsc *)g_ptr_array_index(r->members, n - 1))->id);
	return S(((vigil_rsc *)g_ptr_array_index(r->members, 0))->id);
}

static void add_order_constraint(const vctx *c, order_graph *g, const vigil_constraint *k)
{
	const char *fa = k->first_action != NULL ? k->first_action : "start";
	const char *ta = k->then_action != NULL ? k->then_action : fa;
	bool serialize = g_strcmp0(k->order_kind, "Serialize") == 0;
	bool symmetrical = k->symmetrical != NULL ? vigil_str_is_true(k->symmetrical) : !serialize;

	if (serialize || k->first == NULL || k->then == NULL)
		return;
	add_edge(g, order_endpoint(c, k->first, fa, true), fa,
		 order_endpoint(c, k->then, ta, false), ta, S(k->id), false);
	if (symmetrical && (strcmp(fa, "start") == 0 || strcmp(fa, "stop") == 0 ||
			    strcmp(fa, "promote") == 0 || strcmp(fa, "demote") == 0)) {
		const char *ita = inverse_action(ta), *ifa = inverse_action(fa);

		add_edge(g, order_endpoint(c, k->then, ita, true), ita,
			 order_endpoint(c, k->first, ifa, false), ifa, S(k->id), false);
	}
}

static void add_group_edges(order_graph *g, const vigil_rsc *grp)
{
	for (guint i = 0; i + 1 < grp->members->len; i++) {
		const vigil_rsc *a = g_ptr_array_index(grp->members, i);
		const vigil_rsc *b = g_ptr_array_index(grp->members, i + 1);

		add_edge(g, S(a->id), "start", S(b->id), "start", S(grp->id), true);
		add_edge(g, S(b->id), "stop", S(a->id), "stop", S(grp->id), true);
	}
}

enum { WHITE, GREY, BLACK };

struct dfs {
	order_graph *g;
	GHashTable *color;  /* node -> GINT */
	GPtrArray *path;    /* of struct edge* taken */
	GPtrArray *nodes;   /* node names on the path */
};

/* Describes the cycle that closes at TO: the path from TO's first visit to the top. */
static void describe_cycle(const struct dfs *d, const char *to, GString *cycle)
{
	guint start = 0;

	while (strcmp(g_ptr_array_index(d->nodes, start), to) != 0)
		start++;
	for (guint j = start; j < d->nodes->len; j++) {
		const struct edge *pe = g_ptr_array_index(d->path, j);

		g_string_append_printf(cycle, "%s -> ", (char *)g_ptr_array_index(d->nodes, j));
		g_string_append_printf(cycle, pe->group ? "[group %s] " : "[%s] ", pe->why);
	}
	g_string_append(cycle, to);
}

/* Depth-first search from ROOT with an explicit stack (groups can be very long). Returns
 * true with CYCLE filled in when it meets a node that is still on the stack. */
static bool dfs_visit(struct dfs *d, const char *root, GString *cycle)
{
	g_autoptr(GArray) next = g_array_new(FALSE, FALSE, sizeof(guint));
	guint zero = 0;

	g_hash_table_insert(d->color, (gpointer)root, GINT_TO_POINTER(GREY));
	g_ptr_array_add(d->nodes, (gpointer)root);
	g_array_append_val(next, zero);
	while (d->nodes->len > 0) {
		const char *node = g_ptr_array_index(d->nodes, d->nodes->len - 1);
		GPtrArray *out = g_hash_table_lookup(d->g->edges, node);
		guint *i = &g_array_index(next, guint, next->len - 1);
		struct edge *e;
		int col;

		if (out == NULL || *i >= out->len) {
			/* done with NODE: pop it, and the edge that led to it */
			g_hash_table_insert(d->color, (gpointer)node, GINT_TO_POINTER(BLACK));
			g_ptr_array_remove_index(d->nodes, d->nodes->len - 1);
			g_array_remove_index(next, next->len - 1);
			if (d->path->len > 0)
				g_ptr_array_remove_index(d->path, d->path->len - 1);
			continue;
		}
		e = g_ptr_array_index(out, (*i)++);
		col = GPOINTER_TO_INT(g_hash_table_lookup(d->color, e->to));
		g_ptr_array_add(d->path, e);
		if (col == GREY) {
			describe_cycle(d, e->to, cycle);
			return true;
		}
		if (col == BLACK) {
			g_ptr_array_remove_index(d->path, d->path->len - 1);
			continue;
		}
		g_hash_table_insert(d->color, e->to, GINT_TO_POINTER(GREY));
		g_ptr_array_add(d->nodes, e->to);
		g_array_append_val(next, zero);
	}
	return false;
}

static void find_cycle(order_graph *g, GPtrArray *diags)
{
	g_autoptr(GHashTable) color = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) path = g_ptr_array_new();
	g_autoptr(GPtrArray) nodes = g_ptr_array_new();
	g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(g->edges),
					    (GCompareFunc)strcmp);
	struct dfs d = { g, color, path, nodes };

	for (GList *l = keys; l != NULL; l = l->next) {
		g_autoptr(GString) cycle = g_string_new(NULL);

		if (g_hash_table_contains(color, l->data) || !dfs_visit(&d, l->data, cycle))
			continue;
		ERR(diags, 0, "rsc_order", "Ordering constraints form a cycle, so none of these "
		    "actions could ever run: %s; remove or reverse one of the constraints.",
		    cycle->str);
		return; /* one cycle at a time keeps the message readable */
	}
}

static void check_order_cycles(vctx *c)
{
	order_graph g = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						(GDestroyNotify)g_ptr_array_unref) };

	for (guint i = 0; i < c->cib->resources->len; i++) {
		const vigil_rsc *r = g_ptr_array_index(c->cib->resources, i);

		if (r->kind == VIGIL_RSC_GROUP)
			add_group_edges(&g, r);
	}
	for (guint i = 0; i < c->cib->constraints->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(c->cib->constraints, i);

		if (k->kind == VIGIL_CONS_ORDER)
			add_order_constraint(c, &g, k);
	}
	find_cycle(&g, c->diags);
	g_hash_table_unref(g.edges);
}

/* --- what the status section implies ------------------------------------------------------ */

static const char *why_no_fencing(const vigil_cluster_opts *o)
{
	if (!o->stonith_enabled)
		return "stonith-enabled is false";
	if (!o->have_stonith_rsc)
		return "no stonith resource is defined";
	return "the partition has no quorum";
}

static void check_nodes(vctx *c)
{
	g_autoptr(GPtrArray) infos = NULL;

	vigil_nodes_evaluate(c->cib, &c->opts, &infos);
	vigil_nodes_apply_failures(c->cib, &c->opts, c->now, infos);
	for (guint i = 0; i < infos->len; i++) {
		const vigil_node_info *n = g_ptr_array_index(infos, i);
		const char *name = n->node->uname ? n->node->uname : S(n->node->id);

		if (!n->unclean)
			continue;
		if (vigil_can_fence(&c->opts, n))
			WARN(c->diags, n->node->line, "node", "Node '%s' is unclean (%s) and will be "
			     "fenced before its resources are recovered.", name, n->unclean_reason);
		else
			WARN(c->diags, n->node->line, "node", "Node '%s' is unclean (%s) but cannot "
			     "be fenced because %s; its resources stay blocked until it is fenced or "
			     "confirmed down.", name, n->unclean_reason, why_no_fencing(&c->opts));
	}
}

static bool failcount_positive(const char *v)
{
	int score;

	return v != NULL && vigil_score_parse(v, &score) == 0 && score > 0;
}

/* Does the status of NS record a failure of RSC for an op configured with on-fail=block? */
static bool has_block_failure(const vigil_node_state *ns, const vigil_rsc *rsc)
{
	for (guint i = 0; i < ns->lrm_rscs->len; i++) {
		const vigil_lrm_rsc *lrm = g_ptr_array_index(ns->lrm_rscs, i);

		if (g_strcmp0(lrm->id, rsc->id) != 0)
			continue;
		for (guint j = 0; j < lrm->ops->len; j++) {
			const vigil_lrm_op *op = g_ptr_array_index(lrm->ops, j);
			const vigil_op *cfg = op->interval_ms_v < 0 ? NULL :
				vigil_rsc_find_op(rsc, op->operation, (uint64_t)op->interval_ms_v);

			if (cfg != NULL && g_strcmp0(cfg->on_fail, "block") == 0 &&
			    vigil_lrm_op_failed(op))
				return true;
		}
	}
	return false;
}

static void check_failcount_nvpair(vctx *c, const vigil_node_state *ns, const vigil_nvpair *p)
{
	g_autofree char *rsc_id = NULL;
	const vigil_rsc *rsc;
	uint64_t ms;

	if (p->name == NULL || !g_str_has_prefix(p->name, "fail-count-") ||
	    !failcount_positive(p->value))
		return;
	rsc_id = g_strdup(p->name + strlen("fail-count-"));
	if (strchr(rsc_id, '#') != NULL)
		*strchr(rsc_id, '#') = '\0';
	rsc = vigil_cib_find_rsc(c->cib, rsc_id);
	if (rsc == NULL || vigil_duration_parse_ms(vigil_rsc_meta(c->cib, rsc, "failure-timeout"),
						   &ms) < 0 || ms == 0 ||
	    !has_block_failure(ns, rsc))
		return;
	WARN(c->diags, p->line, "nvpair", "The failure-timeout of resource '%s' is ignored on "
	     "node '%s' because a failure with on-fail=block is recorded there; fix the cause, "
	     "then clean up the resource's failures so it can run again.", rsc_id,
	     ns->uname ? ns->uname : "?");
}

static void check_failure_timeouts(vctx *c)
{
	for (guint i = 0; i < c->cib->node_states->len; i++) {
		const vigil_node_state *ns = g_ptr_array_index(c->cib->node_states, i);
		g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

		for (guint j = 0; j < ns->transient->len; j++) {
			const vigil_nvset *s = g_ptr_array_index(ns->transient, j);

			for (guint k = 0; k < s->nvpairs->len; k++) {
				const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, k);

				if (p->name != NULL && g_hash_table_add(seen, p->name))
					check_failcount_nvpair(c, ns, p);
			}
		}
	}
}

static bool configured_node_id(const vigil_cib *cib, const char *id)
{
	for (guint i = 0; i < cib->nodes->len; i++)
		if (g_strcmp0(((const vigil_node *)g_ptr_array_index(cib->nodes, i))->id, id) == 0)
			return true;
	return false;
}

static void check_status_ids(vctx *c)
{
	for (guint i = 0; i < c->cib->node_states->len; i++) {
		const vigil_node_state *ns = g_ptr_array_index(c->cib->node_states, i);

		if (ns->id == NULL)
			WARN(c->diags, 0, "node_state", "A <node_state> for '%s' has no id and is "
			     "ignored; the status section is written by the cluster, regenerate it.",
			     S(ns->uname));
		else if (!configured_node_id(c->cib, ns->id))
			WARN(c->diags, 0, "node_state", "The recorded state of node '%s' (id %s) is "
			     "ignored because no configured node has that id; add the node to "
			     "<nodes> or remove its state.", S(ns->uname), ns->id);
	}
}

void vigil_cib_verify(const vigil_cib *cib, int64_t now, GPtrArray *diags)
{
	vctx c = { .cib = cib, .diags = diags, .now = now };

	c.ids = g_hash_table_new(g_str_hash, g_str_equal);
	c.rsc_ids = g_hash_table_new(g_str_hash, g_str_equal);
	c.strings = g_string_chunk_new(256);
	if (cib->validate_with == NULL)
		ERR(diags, 0, "cib", "The <cib> element lacks validate-with; add "
		    "validate-with=\"pacemaker-3.9\" (or the schema version the file was written "
		    "for).");
	vigil_cluster_opts_read(cib, &c.opts);
	check_ids(&c);
	check_node_ids(&c);
	check_properties(&c);
	check_resources(&c);
	check_constraints(&c);
	check_group_colocations(&c);
	check_group_locations(&c);
	check_order_cycles(&c);
	check_status_ids(&c);
	check_nodes(&c);
	check_failure_timeouts(&c);
	g_hash_table_unref(c.ids);
	g_hash_table_unref(c.rsc_ids);
	g_string_chunk_free(c.strings);
}
