/* 'vigil config show': the configuration as a person reads it, in the spirit of
 * 'pcs config': nodes, resources (groups with their members), stonith devices,
 * constraints, defaults and cluster properties. */
#include "config.h"

#include <string.h>

#include "cib/nodestate.h"
#include "cli/cli.h"

#define INDENT(n) ((int)(2 * (n))), ""
/* validate-with="none" CIBs may lack any attribute */
#define S(x) ((x) != NULL ? (x) : "?")

static void show_nvsets(FILE *out, const GPtrArray *sets, const char *element,
			const char *title, int depth)
{
	for (guint i = 0; sets != NULL && i < sets->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(sets, i);

		if (element != NULL && strcmp(s->element, element) != 0)
			continue;
		fprintf(out, "%*s%s: %s\n", INDENT(depth), title,
			s->id ? s->id : s->id_ref ? s->id_ref : "");
		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);

			fprintf(out, "%*s%s=%s\n", INDENT(depth + 1), p->name ? p->name : "?",
				p->value ? p->value : "");
		}
	}
}

static void show_op(FILE *out, const vigil_op *op, int depth)
{
	fprintf(out, "%*s%s: %s\n", INDENT(depth), op->name ? op->name : "?",
		op->id ? op->id : "");
	fprintf(out, "%*sinterval=%s", INDENT(depth + 1), op->interval ? op->interval : "?");
	if (op->timeout)
		fprintf(out, " timeout=%s", op->timeout);
	if (op->on_fail)
		fprintf(out, " on-fail=%s", op->on_fail);
	if (op->role)
		fprintf(out, " role=%s", op->role);
	if (op->start_delay)
		fprintf(out, " start-delay=%s", op->start_delay);
	if (op->enabled)
		fprintf(out, " enabled=%s", op->enabled);
	fputc('\n', out);
}

/* pcmk_host_map="node1:vm1;node2:vm2" (';', ',' or blanks between entries) spelled out. */
static void show_host_map(FILE *out, const vigil_rsc *rsc, int depth)
{
	const char *map = vigil_nvsets_get(rsc->nvsets, "instance_attributes", "pcmk_host_map");
	g_auto(GStrv) entries = NULL;
	bool first = true;

	if (map == NULL)
		return;
	entries = g_strsplit_set(map, ";, \t", -1);
	fprintf(out, "%*sFences:", INDENT(depth));
	for (char **e = entries; *e != NULL; e++) {
		char *colon = strchr(*e, ':');

		if (**e == '\0')
			continue;
		if (colon != NULL)
			*colon = '\0';
		fprintf(out, "%s %s%s%s", first ? "" : ",", *e, colon ? " as " : "",
			colon ? colon + 1 : "");
		first = false;
	}
	fputc('\n', out);
}

static void show_primitive(FILE *out, const vigil_rsc *rsc, int depth)
{
	fprintf(out, "%*sResource: %s (class=%s", INDENT(depth), S(rsc->id), S(rsc->class_));
	if (rsc->provider)
		fprintf(out, " provider=%s", rsc->provider);
	fprintf(out, " type=%s)\n", S(rsc->type));
	if (rsc->description)
		fprintf(out, "%*sDescription: %s\n", INDENT(depth + 1), rsc->description);
	show_nvsets(out, rsc->nvsets, "instance_attributes", "Attributes", depth + 1);
	show_nvsets(out, rsc->nvsets, "meta_attributes", "Meta Attributes", depth + 1);
	show_nvsets(out, rsc->nvsets, "utilization", "Utilization", depth + 1);
	show_host_map(out, rsc, depth + 1);
	if (rsc->ops->len == 0)
		return;
	fprintf(out, "%*sOperations:\n", INDENT(depth + 1));
	for (guint i = 0; i < rsc->ops->len; i++)
		show_op(out, g_ptr_array_index(rsc->ops, i), depth + 2);
}

static bool is_stonith(const vigil_rsc *rsc)
{
	return rsc->kind == VIGIL_RSC_PRIMITIVE && g_strcmp0(rsc->class_, "stonith") == 0;
}

static void show_resources(FILE *out, const vigil_cib *cib, bool stonith)
{
	bool any = false;

	fprintf(out, stonith ? "Stonith Devices:\n" : "Resources:\n");
	for (guint i = 0; i < cib->resources->len; i++) {
		const vigil_rsc *rsc = g_ptr_array_index(cib->resources, i);

		if (is_stonith(rsc) != stonith)
			continue;
		any = true;
		if (rsc->kind == VIGIL_RSC_PRIMITIVE) {
			show_primitive(out, rsc, 1);
		} else if (rsc->kind == VIGIL_RSC_GROUP) {
			fprintf(out, "  Group: %s\n", S(rsc->id));
			show_nvsets(out, rsc->nvsets, "meta_attributes", "Meta Attributes", 2);
			for (guint j = 0; j < rsc->members->len; j++)
				show_primitive(out, g_ptr_array_index(rsc->members, j), 2);
		} else {
			fprintf(out, "  %s: %s (kept as written; Vigil does not manage it)\n",
				rsc->element, rsc->id ? rsc->id : "?");
		}
	}
	if (!any)
		fprintf(out, "  No %s defined\n", stonith ? "stonith devices" : "resources");
}

static void show_rule(FILE *out, const vigil_rule *r, int depth)
{
	fprintf(out, "%*sRule:", INDENT(depth));
	if (r->boolean_op)
		fprintf(out, " boolean-op=%s", r->boolean_op);
	if (r->score)
		fprintf(out, " score=%s", r->score);
	if (r->score_attribute)
		fprintf(out, " score-attribute=%s", r->score_attribute);
	fprintf(out, " (id:%s)\n", r->id ? r->id : r->id_ref ? r->id_ref : "");
	for (guint i = 0; i < r->exprs->len; i++) {
		const vigil_expr *e = g_ptr_array_index(r->exprs, i);

		fprintf(out, "%*sExpression: %s %s%s%s (id:%s)\n", INDENT(depth + 1),
			e->attribute ? e->attribute : "?", e->operation ? e->operation : "?",
			e->value ? " " : "", e->value ? e->value : "", e->id ? e->id : "");
	}
	for (guint i = 0; i < r->rules->len; i++)
		show_rule(out, g_ptr_array_index(r->rules, i), depth + 1);
}

static void show_location(FILE *out, const vigil_constraint *k)
{
	const char *rsc = k->rsc ? k->rsc : k->rsc_pattern ? k->rsc_pattern : "?";

	if (k->node != NULL) {
		bool avoid = k->score != NULL && k->score[0] == '-';

		fprintf(out, "  Resource: %s %s Node: %s (score:%s) (id:%s)\n", rsc,
			avoid ? "avoids" : "prefers", k->node, S(k->score), S(k->id));
		return;
	}
	fprintf(out, "  Resource: %s (id:%s)\n", rsc, S(k->id));
	for (guint i = 0; i < k->rules->len; i++)
		show_rule(out, g_ptr_array_index(k->rules, i), 2);
}

static void show_order(FILE *out, const vigil_constraint *k)
{
	const char *fa = k->first_action ? k->first_action : "start";

	fprintf(out, "  %s %s then %s %s (kind:%s)%s (id:%s)\n", fa, S(k->first),
		k->then_action ? k->then_action : fa, S(k->then),
		k->order_kind ? k->order_kind : "Mandatory",
		k->symmetrical && !vigil_str_is_true(k->symmetrical) ? " (non-symmetrical)" : "",
		S(k->id));
}

static bool has_constraints(const vigil_cib *cib, vigil_cons_kind kind)
{
	for (guint i = 0; i < cib->constraints->len; i++)
		if (((const vigil_constraint *)g_ptr_array_index(cib->constraints, i))->kind == kind)
			return true;
	return false;
}

static void show_constraints(FILE *out, const vigil_cib *cib, vigil_cons_kind kind,
			     const char *title)
{
	fprintf(out, "%s:\n", title);
	for (guint i = 0; i < cib->constraints->len; i++) {
		const vigil_constraint *k = g_ptr_array_index(cib->constraints, i);

		if (k->kind != kind)
			continue;
		if (kind == VIGIL_CONS_LOCATION)
			show_location(out, k);
		else if (kind == VIGIL_CONS_ORDER)
			show_order(out, k);
		else if (kind == VIGIL_CONS_COLOCATION)
			fprintf(out, "  %s with %s (score:%s) (id:%s)\n", S(k->rsc), S(k->with_rsc),
				k->score ? k->score : S(k->score_attribute), S(k->id));
		else
			fprintf(out, "  %s: %s (kept as written)\n", k->element, k->id ? k->id : "?");
	}
}

static void show_nodes(FILE *out, const vigil_cib *cib)
{
	fprintf(out, "Nodes:\n");
	if (cib->nodes->len == 0)
		fprintf(out, "  No nodes defined\n");
	for (guint i = 0; i < cib->nodes->len; i++) {
		const vigil_node *n = g_ptr_array_index(cib->nodes, i);

		fprintf(out, "  %s (id:%s)\n", S(n->uname), S(n->id));
		show_nvsets(out, n->nvsets, "instance_attributes", "Attributes", 2);
		show_nvsets(out, n->nvsets, "utilization", "Utilization", 2);
	}
}

static void show_defaults(FILE *out, const GPtrArray *sets, const char *title)
{
	fprintf(out, "%s:\n", title);
	if (sets->len == 0)
		fprintf(out, "  No defaults set\n");
	show_nvsets(out, sets, NULL, "Meta Attrs", 1);
}

static void show_properties(FILE *out, const vigil_cib *cib)
{
	fprintf(out, "Cluster Properties:\n");
	for (guint i = 0; i < cib->crm_config->len; i++) {
		const vigil_nvset *s = g_ptr_array_index(cib->crm_config, i);

		for (guint j = 0; j < s->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, j);

			fprintf(out, "  %s: %s\n", p->name ? p->name : "?", p->value ? p->value : "");
		}
	}
}

static void show_kept(FILE *out, const vigil_cib *cib)
{
	const GPtrArray *kept = cib->configuration_extra.children;

	for (guint i = 0; kept != NULL && i < kept->len; i++) {
		const xmlNode *n = g_ptr_array_index(kept, i);

		fprintf(out, "%s%s: kept as written\n", i == 0 ? "\nOther sections:\n" : "",
			(const char *)n->name);
	}
}

void vigil_config_show(const vigil_cib *cib, FILE *out)
{
	fprintf(out, "CIB version: %" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT
		" (admin_epoch.epoch.num_updates), schema %s\n\n", cib->version.admin_epoch,
		cib->version.epoch, cib->version.num_updates,
		cib->validate_with ? cib->validate_with : "?");
	show_nodes(out, cib);
	fputc('\n', out);
	show_resources(out, cib, false);
	fputc('\n', out);
	show_resources(out, cib, true);
	fputc('\n', out);
	show_constraints(out, cib, VIGIL_CONS_LOCATION, "Location Constraints");
	show_constraints(out, cib, VIGIL_CONS_ORDER, "Ordering Constraints");
	show_constraints(out, cib, VIGIL_CONS_COLOCATION, "Colocation Constraints");
	if (has_constraints(cib, VIGIL_CONS_OTHER))
		show_constraints(out, cib, VIGIL_CONS_OTHER, "Other Constraints");
	fputc('\n', out);
	show_defaults(out, cib->rsc_defaults, "Resources Defaults");
	show_defaults(out, cib->op_defaults, "Operations Defaults");
	fputc('\n', out);
	show_properties(out, cib);
	show_kept(out, cib);
}
