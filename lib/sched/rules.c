/* Rules of rsc_location constraints, evaluated against one node's attributes, as
 * Pacemaker's pe_test_rule() does for node attribute expressions. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/score.h"
#include "sched/sched-private.h"

/* A node attribute: the built-ins, then transient (status), then permanent ones. */
const char *vigil_snode_attr(const vigil_sched *s, const vigil_snode *n, const char *name)
{
	const char *v = NULL;

	if (strcmp(name, "#uname") == 0)
		return n->name;
	if (strcmp(name, "#id") == 0)
		return n->info->node->id;
	if (strcmp(name, "#kind") == 0)
		return "cluster";
	if (strcmp(name, "#is_dc") == 0)
		return g_strcmp0(s->cib->dc_uuid, n->info->node->id) == 0 ? "true" : "false";
	if (n->info->state != NULL)
		v = vigil_nvsets_get(n->info->state->transient, NULL, name);
	if (v == NULL)
		v = vigil_nvsets_get(n->info->node->nvsets, "instance_attributes", name);
	return v;
}

typedef enum { CMP_STRING, CMP_INTEGER, CMP_NUMBER, CMP_VERSION } cmp_type;

static bool parse_number(const char *s, double *ret)
{
	char *end = NULL;

	if (s == NULL || *s == '\0')
		return false;
	*ret = g_ascii_strtod(s, &end);
	return *end == '\0';
}

static int compare_versions(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a != '\0' && !g_ascii_isdigit(*a)) || (*b != '\0' && !g_ascii_isdigit(*b)))
			break;
	}
	return 0;
}

static cmp_type expr_type(const vigil_expr *e, const char *l, const char *r)
{
	double x, y;

	if (e->type != NULL) {
		if (strcasecmp(e->type, "integer") == 0)
			return CMP_INTEGER;
		if (strcasecmp(e->type, "number") == 0)
			return CMP_NUMBER;
		if (strcasecmp(e->type, "version") == 0)
			return CMP_VERSION;
		return CMP_STRING;
	}
	/* without a type, comparisons of two numbers are numeric (Pacemaker 2.1) */
	if (e->operation != NULL && strstr("lt gt lte gte", e->operation) != NULL &&
	    parse_number(l, &x) && parse_number(r, &y))
		return strchr(l, '.') != NULL || strchr(r, '.') != NULL ? CMP_NUMBER : CMP_INTEGER;
	return CMP_STRING;
}

/* <0, 0, >0 as L is below, equal to, above R, by TYPE. */
static int compare(cmp_type type, const char *l, const char *r)
{
	double x, y;

	switch (type) {
	case CMP_INTEGER:
	case CMP_NUMBER:
		if (!parse_number(l, &x) || !parse_number(r, &y))
			return strcasecmp(l, r);
		if (type == CMP_INTEGER) {
			x = (double)(long long)x;
			y = (double)(long long)y;
		}
		return (x > y) - (x < y);
	case CMP_VERSION:
		return compare_versions(l, r);
	default:
		return strcasecmp(l, r);
	}
}

static bool expr_holds(const vigil_sched *s, const vigil_snode *n, const vigil_expr *e)
{
	const char *op = e->operation != NULL ? e->operation : "";
	const char *l = e->attribute != NULL ? vigil_snode_attr(s, n, e->attribute) : NULL;
	const char *r = e->value;
	int c;

	if (strcmp(op, "defined") == 0)
		return l != NULL;
	if (strcmp(op, "not_defined") == 0)
		return l == NULL;
	if (g_strcmp0(e->value_source, "param") == 0 || g_strcmp0(e->value_source, "meta") == 0)
		return false; /* only meaningful for resource rules (not supported here) */
	if (l == NULL || r == NULL)
		return strcmp(op, "ne") == 0 && (l != NULL || r != NULL);
	c = compare(expr_type(e, l, r), l, r);
	if (strcmp(op, "eq") == 0)
		return c == 0;
	if (strcmp(op, "ne") == 0)
		return c != 0;
	if (strcmp(op, "lt") == 0)
		return c < 0;
	if (strcmp(op, "lte") == 0)
		return c <= 0;
	if (strcmp(op, "gt") == 0)
		return c > 0;
	if (strcmp(op, "gte") == 0)
		return c >= 0;
	return false;
}

bool vigil_rule_holds(const vigil_sched *s, const vigil_snode *n, const vigil_rule *rule)
{
	bool any = g_strcmp0(rule->boolean_op, "or") == 0;
	bool seen = false;

	/* date expressions and other content this scheduler does not evaluate: no match */
	if (rule->extra.children != NULL && rule->extra.children->len > 0)
		return false;
	for (guint i = 0; i < rule->exprs->len; i++) {
		bool ok = expr_holds(s, n, g_ptr_array_index(rule->exprs, i));

		seen = true;
		if (any && ok)
			return true;
		if (!any && !ok)
			return false;
	}
	for (guint i = 0; i < rule->rules->len; i++) {
		bool ok = vigil_rule_holds(s, n, g_ptr_array_index(rule->rules, i));

		seen = true;
		if (any && ok)
			return true;
		if (!any && !ok)
			return false;
	}
	return !any || !seen;
}

int vigil_rule_score(const vigil_sched *s, const vigil_snode *n, const vigil_rule *rule)
{
	int score = 0;

	if (rule->score != NULL) {
		vigil_score_parse(rule->score, &score);
	} else if (rule->score_attribute != NULL) {
		const char *v = vigil_snode_attr(s, n, rule->score_attribute);

		if (v == NULL || vigil_score_parse(v, &score) < 0)
			score = 0;
	}
	return score;
}
