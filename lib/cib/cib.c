/* CIB life cycle, field tables, diagnostics and simple queries. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cib/cib-private.h"
#include "common/arena.h"
#include "common/score.h"

#define F VIGIL_FIELD

const vigil_field vigil_nvpair_fields[] = {
	F(vigil_nvpair, "id", id), F(vigil_nvpair, "id-ref", id_ref),
	F(vigil_nvpair, "name", name), F(vigil_nvpair, "value", value), VIGIL_FIELD_END
};
const vigil_field vigil_nvset_fields[] = {
	F(vigil_nvset, "id", id), F(vigil_nvset, "id-ref", id_ref),
	F(vigil_nvset, "score", score), VIGIL_FIELD_END
};
const vigil_field vigil_expr_fields[] = {
	F(vigil_expr, "id", id), F(vigil_expr, "attribute", attribute),
	F(vigil_expr, "operation", operation), F(vigil_expr, "value", value),
	F(vigil_expr, "type", type), F(vigil_expr, "value-source", value_source), VIGIL_FIELD_END
};
const vigil_field vigil_rule_fields[] = {
	F(vigil_rule, "id", id), F(vigil_rule, "id-ref", id_ref), F(vigil_rule, "score", score),
	F(vigil_rule, "score-attribute", score_attribute),
	F(vigil_rule, "boolean-op", boolean_op), F(vigil_rule, "role", role), VIGIL_FIELD_END
};
const vigil_field vigil_node_fields[] = {
	F(vigil_node, "id", id), F(vigil_node, "uname", uname), F(vigil_node, "type", type),
	F(vigil_node, "score", score), F(vigil_node, "description", description),
	VIGIL_FIELD_END
};
const vigil_field vigil_op_fields[] = {
	F(vigil_op, "id", id), F(vigil_op, "name", name), F(vigil_op, "interval", interval),
	F(vigil_op, "timeout", timeout), F(vigil_op, "on-fail", on_fail),
	F(vigil_op, "role", role), F(vigil_op, "enabled", enabled),
	F(vigil_op, "start-delay", start_delay), VIGIL_FIELD_END
};
const vigil_field vigil_primitive_fields[] = {
	F(vigil_rsc, "id", id), F(vigil_rsc, "class", class_),
	F(vigil_rsc, "provider", provider), F(vigil_rsc, "type", type),
	F(vigil_rsc, "description", description), VIGIL_FIELD_END
};
const vigil_field vigil_group_fields[] = {
	F(vigil_rsc, "id", id), F(vigil_rsc, "description", description), VIGIL_FIELD_END
};
const vigil_field vigil_constraint_fields[] = {
	F(vigil_constraint, "id", id),
	F(vigil_constraint, "rsc", rsc), F(vigil_constraint, "rsc-pattern", rsc_pattern),
	F(vigil_constraint, "with-rsc", with_rsc),
	F(vigil_constraint, "first", first), F(vigil_constraint, "then", then),
	F(vigil_constraint, "first-action", first_action),
	F(vigil_constraint, "then-action", then_action),
	F(vigil_constraint, "kind", order_kind), F(vigil_constraint, "symmetrical", symmetrical),
	F(vigil_constraint, "node", node), F(vigil_constraint, "score", score),
	F(vigil_constraint, "score-attribute", score_attribute),
	F(vigil_constraint, "role", role), F(vigil_constraint, "rsc-role", rsc_role),
	F(vigil_constraint, "with-rsc-role", with_rsc_role),
	F(vigil_constraint, "node-attribute", node_attribute),
	F(vigil_constraint, "influence", influence),
	F(vigil_constraint, "resource-discovery", resource_discovery), VIGIL_FIELD_END
};
const vigil_field vigil_lrm_op_fields[] = {
	F(vigil_lrm_op, "id", id), F(vigil_lrm_op, "operation_key", operation_key),
	F(vigil_lrm_op, "operation", operation), F(vigil_lrm_op, "call-id", call_id),
	F(vigil_lrm_op, "rc-code", rc_code), F(vigil_lrm_op, "op-status", op_status),
	F(vigil_lrm_op, "interval", interval),
	F(vigil_lrm_op, "last-rc-change", last_rc_change), F(vigil_lrm_op, "last-run", last_run),
	F(vigil_lrm_op, "exec-time", exec_time), F(vigil_lrm_op, "queue-time", queue_time),
	F(vigil_lrm_op, "on_node", on_node), F(vigil_lrm_op, "exit-reason", exit_reason),
	F(vigil_lrm_op, "transition-key", transition_key),
	F(vigil_lrm_op, "transition-magic", transition_magic),
	F(vigil_lrm_op, "op-digest", op_digest),
	F(vigil_lrm_op, "crm_feature_set", crm_feature_set), VIGIL_FIELD_END
};
const vigil_field vigil_lrm_rsc_fields[] = {
	F(vigil_lrm_rsc, "id", id), F(vigil_lrm_rsc, "class", class_),
	F(vigil_lrm_rsc, "provider", provider), F(vigil_lrm_rsc, "type", type), VIGIL_FIELD_END
};
const vigil_field vigil_node_state_fields[] = {
	F(vigil_node_state, "id", id), F(vigil_node_state, "uname", uname),
	F(vigil_node_state, "in_ccm", in_ccm), F(vigil_node_state, "crmd", crmd),
	F(vigil_node_state, "join", join), F(vigil_node_state, "expected", expected),
	F(vigil_node_state, "shutdown", shutdown),
	F(vigil_node_state, "crm-debug-origin", crm_debug_origin), VIGIL_FIELD_END
};
const vigil_field vigil_cib_fields[] = {
	F(vigil_cib, "validate-with", validate_with),
	F(vigil_cib, "crm_feature_set", crm_feature_set),
	F(vigil_cib, "have-quorum", have_quorum), F(vigil_cib, "dc-uuid", dc_uuid),
	F(vigil_cib, "execution-date", execution_date),
	F(vigil_cib, "cib-last-written", cib_last_written), VIGIL_FIELD_END
};

#undef F

void vigil_nvpair_free(vigil_nvpair *p)
{
	if (p == NULL)
		return;
	vigil_fields_free(p, vigil_nvpair_fields);
	vigil_extra_clear(&p->extra);
	g_free(p);
}

void vigil_nvset_free(vigil_nvset *s)
{
	if (s == NULL)
		return;
	vigil_fields_free(s, vigil_nvset_fields);
	g_free(s->element);
	vigil_rule_free(s->rule);
	g_clear_pointer(&s->nvpairs, g_ptr_array_unref);
	vigil_extra_clear(&s->extra);
	g_free(s);
}

void vigil_expr_free(vigil_expr *e)
{
	if (e == NULL)
		return;
	vigil_fields_free(e, vigil_expr_fields);
	vigil_extra_clear(&e->extra);
	g_free(e);
}

void vigil_rule_free(vigil_rule *r)
{
	if (r == NULL)
		return;
	vigil_fields_free(r, vigil_rule_fields);
	g_clear_pointer(&r->exprs, g_ptr_array_unref);
	g_clear_pointer(&r->rules, g_ptr_array_unref);
	vigil_extra_clear(&r->extra);
	g_free(r);
}

void vigil_node_free(vigil_node *n)
{
	if (n == NULL)
		return;
	vigil_fields_free(n, vigil_node_fields);
	g_clear_pointer(&n->nvsets, g_ptr_array_unref);
	vigil_extra_clear(&n->extra);
	g_free(n);
}

void vigil_op_free(vigil_op *op)
{
	if (op == NULL)
		return;
	vigil_fields_free(op, vigil_op_fields);
	g_clear_pointer(&op->nvsets, g_ptr_array_unref);
	vigil_extra_clear(&op->extra);
	g_free(op);
}

void vigil_rsc_free(vigil_rsc *rsc)
{
	if (rsc == NULL)
		return;
	vigil_fields_free(rsc, vigil_primitive_fields);
	g_free(rsc->element);
	g_free(rsc->operations_id);
	vigil_extra_clear(&rsc->operations_extra);
	g_clear_pointer(&rsc->ops, g_ptr_array_unref);
	g_clear_pointer(&rsc->members, g_ptr_array_unref);
	g_clear_pointer(&rsc->nvsets, g_ptr_array_unref);
	vigil_extra_clear(&rsc->extra);
	g_clear_pointer(&rsc->raw, xmlFreeNode);
	g_free(rsc);
}

void vigil_constraint_free(vigil_constraint *c)
{
	if (c == NULL)
		return;
	vigil_fields_free(c, vigil_constraint_fields);
	g_free(c->element);
	g_clear_pointer(&c->rules, g_ptr_array_unref);
	vigil_extra_clear(&c->extra);
	g_clear_pointer(&c->raw, xmlFreeNode);
	g_free(c);
}

void vigil_lrm_op_free(vigil_lrm_op *op)
{
	if (op == NULL)
		return;
	vigil_extra_clear(&op->extra);
	if (op->in_arena)
		return;
	vigil_fields_free(op, vigil_lrm_op_fields);
	g_free(op);
}

void vigil_lrm_rsc_free(vigil_lrm_rsc *r)
{
	if (r == NULL)
		return;
	g_clear_pointer(&r->ops, g_ptr_array_unref);
	vigil_extra_clear(&r->extra);
	if (r->in_arena)
		return;
	vigil_fields_free(r, vigil_lrm_rsc_fields);
	g_free(r);
}

void vigil_node_state_free(vigil_node_state *ns)
{
	if (ns == NULL)
		return;
	vigil_fields_free(ns, vigil_node_state_fields);
	g_free(ns->lrm_id);
	g_free(ns->lrm_resources_id);
	g_free(ns->transient_id);
	vigil_extra_clear(&ns->lrm_extra);
	vigil_extra_clear(&ns->lrm_resources_extra);
	vigil_extra_clear(&ns->transient_extra);
	g_clear_pointer(&ns->lrm_rscs, g_ptr_array_unref);
	g_clear_pointer(&ns->transient, g_ptr_array_unref);
	vigil_extra_clear(&ns->extra);
	g_free(ns);
}

vigil_cib *vigil_cib_new(void)
{
	vigil_cib *cib = g_new0(vigil_cib, 1);

	cib->crm_config = VIGIL_PTR_ARRAY(vigil_nvset_free);
	cib->nodes = VIGIL_PTR_ARRAY(vigil_node_free);
	cib->resources = VIGIL_PTR_ARRAY(vigil_rsc_free);
	cib->constraints = VIGIL_PTR_ARRAY(vigil_constraint_free);
	cib->rsc_defaults = VIGIL_PTR_ARRAY(vigil_nvset_free);
	cib->op_defaults = VIGIL_PTR_ARRAY(vigil_nvset_free);
	cib->node_states = VIGIL_PTR_ARRAY(vigil_node_state_free);
	cib->rsc_index = g_hash_table_new(g_str_hash, g_str_equal);
	cib->has_configuration = cib->has_crm_config = cib->has_nodes = true;
	cib->has_resources = cib->has_constraints = true;
	return cib;
}

void vigil_cib_free(vigil_cib *cib)
{
	if (cib == NULL)
		return;
	vigil_fields_free(cib, vigil_cib_fields);
	vigil_extra_clear(&cib->extra);
	g_clear_pointer(&cib->rsc_index, g_hash_table_unref);
	g_clear_pointer(&cib->crm_config, g_ptr_array_unref);
	g_clear_pointer(&cib->nodes, g_ptr_array_unref);
	g_clear_pointer(&cib->resources, g_ptr_array_unref);
	g_clear_pointer(&cib->constraints, g_ptr_array_unref);
	g_clear_pointer(&cib->rsc_defaults, g_ptr_array_unref);
	g_clear_pointer(&cib->op_defaults, g_ptr_array_unref);
	vigil_extra_clear(&cib->configuration_extra);
	vigil_extra_clear(&cib->crm_config_extra);
	vigil_extra_clear(&cib->nodes_extra);
	vigil_extra_clear(&cib->resources_extra);
	vigil_extra_clear(&cib->constraints_extra);
	vigil_extra_clear(&cib->rsc_defaults_extra);
	vigil_extra_clear(&cib->op_defaults_extra);
	g_clear_pointer(&cib->node_states, g_ptr_array_unref);
	vigil_extra_clear(&cib->status_extra);
	g_clear_pointer(&cib->status_arena, vigil_arena_free);
	g_free(cib);
}

void vigil_cib_swap_status(vigil_cib *a, vigil_cib *b)
{
	vigil_cib tmp = *a;

	a->has_status = b->has_status;
	a->node_states = b->node_states;
	a->status_extra = b->status_extra;
	a->status_arena = b->status_arena;
	b->has_status = tmp.has_status;
	b->node_states = tmp.node_states;
	b->status_extra = tmp.status_extra;
	b->status_arena = tmp.status_arena;
}

/* --- diagnostics --------------------------------------------------------------------- */

void vigil_diag_free(vigil_diag *d)
{
	if (d == NULL)
		return;
	g_free(d->element);
	g_free(d->message);
	g_free(d);
}

GPtrArray *vigil_diags_new(void)
{
	return VIGIL_PTR_ARRAY(vigil_diag_free);
}

void vigil_diag_add(GPtrArray *diags, vigil_severity sev, unsigned line, const char *element,
		    const char *fmt, ...)
{
	vigil_diag *d;
	va_list ap;

	if (diags == NULL)
		return;
	d = g_new0(vigil_diag, 1);
	d->severity = sev;
	d->line = line;
	d->element = g_strdup(element);
	va_start(ap, fmt);
	d->message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(diags, d);
}

bool vigil_diags_have_errors(const GPtrArray *diags)
{
	for (guint i = 0; diags != NULL && i < diags->len; i++)
		if (((const vigil_diag *)g_ptr_array_index(diags, i))->severity == VIGIL_ERROR)
			return true;
	return false;
}

/* --- queries --------------------------------------------------------------------------- */

vigil_rsc *vigil_cib_find_rsc(const vigil_cib *cib, const char *id)
{
	return id != NULL ? g_hash_table_lookup(cib->rsc_index, id) : NULL;
}

vigil_node *vigil_cib_find_node(const vigil_cib *cib, const char *uname)
{
	for (guint i = 0; uname != NULL && i < cib->nodes->len; i++) {
		vigil_node *n = g_ptr_array_index(cib->nodes, i);

		if (g_strcmp0(n->uname, uname) == 0)
			return n;
	}
	return NULL;
}

static const char *nvset_value(const vigil_nvset *s, const char *name)
{
	for (guint j = 0; s->nvpairs != NULL && j < s->nvpairs->len; j++) {
		const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);

		if (g_strcmp0(p->name, name) == 0)
			return p->value;
	}
	return NULL;
}

/* A set's precedence: its score (0 if none or unreadable), or above all for FIRST_ID. */
static int nvset_rank(const vigil_nvset *s, const char *first_id)
{
	int score = 0;

	if (first_id != NULL && g_strcmp0(s->id, first_id) == 0)
		return G_MAXINT;
	if (s->score != NULL && vigil_score_parse(s->score, &score) < 0)
		score = 0;
	return score;
}

const char *vigil_nvsets_lookup(const GPtrArray *nvsets, const char *element, const char *name,
				const char *first_id)
{
	const char *best = NULL;
	int best_rank = 0;

	for (guint i = 0; nvsets != NULL && i < nvsets->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(nvsets, i);
		const char *v;
		int rank;

		if (element != NULL && g_strcmp0(s->element, element) != 0)
			continue;
		v = nvset_value(s, name);
		rank = nvset_rank(s, first_id);
		if (v != NULL && (best == NULL || rank > best_rank)) {
			best = v;
			best_rank = rank;
		}
	}
	return best;
}

const char *vigil_nvsets_get(const GPtrArray *nvsets, const char *element, const char *name)
{
	return vigil_nvsets_lookup(nvsets, element, name, NULL);
}

const char *vigil_cib_property(const vigil_cib *cib, const char *name)
{
	/* Pacemaker reads cib-bootstrap-options before any other property set */
	return vigil_nvsets_lookup(cib->crm_config, NULL, name, "cib-bootstrap-options");
}

/* The parts of an agent's name, in order; a missing class or type reads "(null)", as
 * printf("%s") has always printed it here. */
static void agent_parts(const char *parts[3], const char *class_, const char *provider,
			const char *type)
{
	parts[0] = class_ != NULL ? class_ : "(null)";
	parts[1] = provider;
	parts[2] = type != NULL ? type : "(null)";
}

size_t vigil_agent_size(const char *class_, const char *provider, const char *type)
{
	const char *parts[3];
	size_t size = 0;

	agent_parts(parts, class_, provider, type);
	for (size_t i = 0; i < G_N_ELEMENTS(parts); i++)
		size += parts[i] != NULL ? strlen(parts[i]) + 1 : 0; /* and a ':' or the NUL */
	return size;
}

char *vigil_agent_write(char *dst, const char *class_, const char *provider, const char *type)
{
	const char *parts[3];
	char *p = dst;

	agent_parts(parts, class_, provider, type);
	for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
		if (parts[i] == NULL)
			continue;
		p = stpcpy(p, parts[i]);
		*p++ = ':';
	}
	p[-1] = '\0';
	return dst;
}

char *vigil_rsc_agent(const vigil_rsc *rsc)
{
	return vigil_agent_write(g_malloc(vigil_agent_size(rsc->class_, rsc->provider, rsc->type)),
				 rsc->class_, rsc->provider, rsc->type);
}
