/* Placement: every resource's node scores (symmetric default, rsc_location, stickiness,
 * failure thresholds, target-role), colocations, and the assignment of each primitive to
 * one node, in the order and with the tie-breaks of Pacemaker 2.1.5's scheduler, so that
 * the same CIB places the same resources on the same nodes. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/arena.h"
#include "common/duration.h"
#include "common/score.h"
#include "sched/sched-private.h"

#define INF VIGIL_SCORE_INFINITY

/* --- explaining ------------------------------------------------------------------------------ */

static bool explaining(const vigil_sched *s, const vigil_srsc *r)
{
	for (; s->explain_id != NULL && r != NULL; r = r->parent)
		if (strcmp(r->id, s->explain_id) == 0)
			return true;
	return false;
}

static void explain(const vigil_sched *s, const vigil_srsc *r, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static void explain(const vigil_sched *s, const vigil_srsc *r, const char *fmt, ...)
{
	va_list ap;

	if (!explaining(s, r))
		return;
	g_string_append_printf(s->explain, "  %s: ", r->id);
	va_start(ap, fmt);
	g_string_append_vprintf(s->explain, fmt, ap);
	va_end(ap);
	g_string_append_c(s->explain, '\n');
}

static const char *where(const vigil_snode *n)
{
	return n != NULL ? n->name : "every node";
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp((*(vigil_snode *const *)a)->name, (*(vigil_snode *const *)b)->name);
}

/* Appends R's scores as crm_simulate -s prints them, nodes by name. */
static void show_scores(const vigil_sched *s, const char *func, const vigil_srsc *r, GString *out)
{
	g_autoptr(GPtrArray) nodes = g_ptr_array_copy(s->nodes, NULL, NULL);

	g_ptr_array_set_free_func(nodes, NULL); /* the copy borrows */

	g_ptr_array_sort(nodes, by_name);
	for (guint i = 0; i < nodes->len; i++) {
		const vigil_snode *n = g_ptr_array_index(nodes, i);
		char buf[16];

		if (r->weights[n->index] == VIGIL_NOT_ALLOWED)
			continue;
		g_string_append_printf(out, "%s: %s allocation score on %s: %s\n", func, r->id,
				       n->name, vigil_score_str(r->weights[n->index], buf));
	}
}

/* --- node tables -------------------------------------------------------------------------- */

static unsigned n_nodes(const vigil_sched *s)
{
	return s->nodes->len;
}

static int *table_new(const vigil_sched *s)
{
	int *t = g_new(int, n_nodes(s) + 1);

	for (unsigned i = 0; i < n_nodes(s); i++)
		t[i] = VIGIL_NOT_ALLOWED;
	return t;
}

static int *table_copy(const vigil_sched *s, const int *t)
{
	return g_memdup2(t, sizeof(int) * (n_nodes(s) + 1));
}

static vigil_snode *node_at(const vigil_sched *s, unsigned i)
{
	return g_ptr_array_index(s->nodes, i);
}

static bool any_available(const vigil_sched *s, const int *t)
{
	for (unsigned i = 0; i < n_nodes(s); i++)
		if (t[i] != VIGIL_NOT_ALLOWED && t[i] >= 0 && vigil_snode_available(node_at(s, i)))
			return true;
	return false;
}

/* Adds SCORE for node I to R's table, and to its members' (resource_node_score()). A node
 * not yet allowed starts from BASE. */
static void node_score(const vigil_sched *s, vigil_srsc *r, unsigned i, int base, int score)
{
	for (guint k = 0; k < r->children->len; k++)
		node_score(s, g_ptr_array_index(r->children, k), i, base, score);
	if (r->weights[i] == VIGIL_NOT_ALLOWED)
		r->weights[i] = base;
	r->weights[i] = vigil_score_add(r->weights[i], score);
}

/* node_score() on every node: each node's score is its own, so a table at a time. */
static void all_nodes_score(const vigil_sched *s, vigil_srsc *r, int score)
{
	for (guint k = 0; k < r->children->len; k++)
		all_nodes_score(s, g_ptr_array_index(r->children, k), score);
	for (unsigned i = 0; i < n_nodes(s); i++) {
		if (r->weights[i] == VIGIL_NOT_ALLOWED)
			r->weights[i] = node_at(s, i)->score;
		/* scores are kept within +-INFINITY, where adding 0 changes nothing (the
		 * symmetric default adds 0 to every table) */
		if (score != 0)
			r->weights[i] = vigil_score_add(r->weights[i], score);
	}
}

/* Pacemaker's resource_location(): NODE, or every node if NULL. */
static void rsc_location(const vigil_sched *s, vigil_srsc *r, const vigil_snode *node, int score)
{
	char buf[16];

	if (score != 0)
		explain(s, r, "%s on %s", vigil_score_str(score, buf), where(node));
	if (node == NULL)
		all_nodes_score(s, r, score);
	else
		node_score(s, r, node->index, node->score, score);
}

/* --- configuration of each resource ----------------------------------------------------- */

static int meta_score(const vigil_sched *s, const vigil_srsc *r, const char *name, int dflt)
{
	const char *v = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, name) : NULL;
	int score;

	if (v == NULL || vigil_score_parse(v, &score) < 0)
		return dflt;
	return score;
}

static void init_rsc(vigil_sched *s, vigil_srsc *r)
{
	const char *ft = r->cfg != NULL ? vigil_rsc_meta(s->cib, r->cfg, "failure-timeout") : NULL;
	uint64_t ms = 0;

	for (guint i = 0; i < r->children->len; i++)
		init_rsc(s, g_ptr_array_index(r->children, i));
	r->weights = table_new(s);
	r->this_with = g_ptr_array_new();
	r->with_this = g_ptr_array_new();
	r->actions = g_ptr_array_sized_new(4); /* a stop, a start, a monitor as a rule */
	r->priority = meta_score(s, r, "priority", 0);
	r->stickiness = meta_score(s, r, "resource-stickiness", 0);
	r->migration_threshold = meta_score(s, r, "migration-threshold", INF);
	if (r->migration_threshold < 0)
		r->migration_threshold = 0;
	if (ft != NULL && vigil_duration_parse_ms(ft, &ms) == 0)
		r->failure_timeout = (int64_t)(ms / 1000);
	r->provisional = true;
	r->next_role = r->target_role == VIGIL_ROLE_STOPPED || r->orphan ? VIGIL_ROLE_STOPPED :
									  VIGIL_ROLE_UNKNOWN;
	/* what unpacking found that takes a resource out of the cluster's hands */
	for (guint i = 0; i < r->running_on->len && r->children->len == 0; i++)
		if (((vigil_snode *)g_ptr_array_index(r->running_on, i))->info->maintenance)
			r->managed = false;
	if (r->blocked)
		r->managed = false;
	if (r->stop_on_fail)
		r->next_role = VIGIL_ROLE_STOPPED;
	if (s->symmetric)
		rsc_location(s, r, NULL, 0);
	if (r->orphan || r->banned_everywhere)
		rsc_location(s, r, NULL, -INF);
	/* an unmanaged resource stays where it was found once unmanaged (Pacemaker's
	 * "not_managed_default", from native_add_running()) */
	for (guint i = 0; !r->managed && r->children->len == 0 && i < r->unmanaged_on->len; i++)
		rsc_location(s, r, g_ptr_array_index(r->unmanaged_on, i), INF);
	for (guint i = 0; i < r->banned_on->len; i++)
		rsc_location(s, r, g_ptr_array_index(r->banned_on, i), -INF);
}

/* --- rsc_location -------------------------------------------------------------------------- */

/* Pacemaker's pcmk__apply_location(): SCORES (one per node, NOT_ALLOWED where the
 * constraint does not apply) onto R; for a group, the first member takes the scores and
 * later members only become allowed (they follow the first by colocation). */
static void apply_location(const vigil_sched *s, vigil_srsc *r, const int *scores, bool zero)
{
	for (unsigned i = 0; i < n_nodes(s); i++) {
		if (scores[i] == VIGIL_NOT_ALLOWED)
			continue;
		if (r->weights[i] == VIGIL_NOT_ALLOWED)
			r->weights[i] = zero ? 0 : scores[i];
		else if (!zero)
			r->weights[i] = vigil_score_add(r->weights[i], scores[i]);
	}
	for (guint k = 0; k < r->children->len; k++)
		apply_location(s, g_ptr_array_index(r->children, k), scores, zero || k > 0);
}

static void location_for_rsc(vigil_sched *s, const vigil_constraint *c, vigil_srsc *r)
{
	g_autofree int *scores = table_new(s);

	if (c->role != NULL && strcasecmp(c->role, "Started") != 0)
		return; /* role-specific (promotable) placement does not apply to primitives */
	if (c->node != NULL) {
		int score = 0;

		if (vigil_score_parse(c->score, &score) < 0)
			return;
		for (unsigned i = 0; i < n_nodes(s); i++)
			if (strcmp(node_at(s, i)->name, c->node) == 0)
				scores[i] = score;
		explain(s, r, "location constraint %s: %s on %s", c->id, c->score, c->node);
		apply_location(s, r, scores, false);
		return;
	}
	for (guint k = 0; k < c->rules->len; k++) {
		const vigil_rule *rule = g_ptr_array_index(c->rules, k);

		for (unsigned i = 0; i < n_nodes(s); i++) {
			const vigil_snode *n = node_at(s, i);

			scores[i] = vigil_rule_holds(s, n, rule) ? vigil_rule_score(s, n, rule) :
								    VIGIL_NOT_ALLOWED;
			if (scores[i] != VIGIL_NOT_ALLOWED && explaining(s, r)) {
				char buf[16];

				explain(s, r, "location constraint %s: rule %s holds on %s: %s",
					c->id, rule->id != NULL ? rule->id : "", n->name,
					vigil_score_str(scores[i], buf));
			}
		}
		apply_location(s, r, scores, false);
	}
}

static void apply_locations(vigil_sched *s)
{
	for (guint i = 0; i < s->cib->constraints->len; i++) {
		const vigil_constraint *c = g_ptr_array_index(s->cib->constraints, i);

		if (c->kind != VIGIL_CONS_LOCATION)
			continue;
		if (c->rsc != NULL) {
			vigil_srsc *r = g_hash_table_lookup(s->by_id, c->rsc);

			if (r != NULL && !r->orphan)
				location_for_rsc(s, c, r);
		} else if (c->rsc_pattern != NULL) {
			g_autoptr(GRegex) re = g_regex_new(c->rsc_pattern, 0, 0, NULL);

			for (guint k = 0; re != NULL && k < s->rscs->len; k++) {
				vigil_srsc *r = g_ptr_array_index(s->rscs, k);

				if (!r->orphan && g_regex_match(re, r->id, 0, NULL))
					location_for_rsc(s, c, r);
			}
		}
	}
}

/* --- stickiness and failures ----------------------------------------------------------- */

static void apply_stickiness(vigil_sched *s, vigil_srsc *r)
{
	vigil_snode *n;

	for (guint k = 0; k < r->children->len; k++)
		apply_stickiness(s, g_ptr_array_index(r->children, k));
	if (r->children->len > 0 || !r->managed || r->stickiness < 1 || r->running_on->len != 1)
		return;
	n = g_ptr_array_index(r->running_on, 0);
	if (!s->symmetric && r->weights[n->index] == VIGIL_NOT_ALLOWED)
		return;
	explain(s, r, "resource-stickiness: it runs on %s", n->name);
	rsc_location(s, r, n, r->stickiness);
}


static bool attr_is_for(const char *name, const char *prefix, const char *id, bool legacy)
{
	size_t lp = strlen(prefix), li = strlen(id);

	if (strncmp(name, prefix, lp) != 0 || strncmp(name + lp, id, li) != 0)
		return false;
	if (legacy)
		return name[lp + li] == '\0';
	/* per operation: fail-count-RSC#OP_INTERVAL */
	return name[lp + li] == '#' && strchr(name + lp + li, '_') != NULL;
}

static bool has_block_op(const vigil_srsc *r)
{
	for (guint i = 0; r->cfg != NULL && i < r->cfg->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(r->cfg->ops, i);

		if (g_strcmp0(op->on_fail, "block") == 0)
			return true;
	}
	return false;
}

/* Whether a fail-count can be in effect on N at all: not where its status holds none. */
static bool may_have_failcounts(const vigil_snode *n)
{
	return n->info->state != NULL && n->has_failcounts;
}

/* Pacemaker's pe_get_failcount(): the effective fail-count of R on N at s->now. */
int vigil_failcount(const vigil_sched *s, const vigil_srsc *r, const vigil_snode *n)
{
	const vigil_node_state *st = n->info->state;
	int total = 0;
	int64_t last = 0;
	bool legacy = s->legacy_failcounts;

	if (!may_have_failcounts(n))
		return 0;
	for (guint i = 0; i < st->transient->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(st->transient, i);

		for (guint j = 0; j < set->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j);
			int v = 0;

			if (p->name == NULL || p->value == NULL)
				continue;
			if (attr_is_for(p->name, "fail-count-", r->id, legacy)) {
				if (vigil_score_parse(p->value, &v) == 0)
					total = vigil_score_add(total, v);
			} else if (attr_is_for(p->name, "last-failure-", r->id, legacy)) {
				int64_t t = g_ascii_strtoll(p->value, NULL, 10);

				last = t > last ? t : last;
			}
		}
	}
	/* LAST is positive, so NOW - LAST cannot overflow once NOW > LAST; LAST + timeout could */
	if (total > 0 && last > 0 && r->failure_timeout > 0 && !has_block_op(r) &&
	    s->now > last && s->now - last > r->failure_timeout)
		total = 0;
	return total;
}

static void check_threshold(vigil_sched *s, vigil_srsc *r, vigil_snode *n)
{
	int fc;

	for (guint k = 0; k < r->children->len; k++)
		check_threshold(s, g_ptr_array_index(r->children, k), n);
	if (r->children->len > 0 || r->migration_threshold == 0 || r->failure_ignored)
		return;
	if (g_ptr_array_find(r->clear_failcount_on, n, NULL)) {
		explain(s, r, "fail-count on %s not held against migration-threshold: it is "
			"cleared, as its last failure ran with other parameters", n->name);
		return;
	}
	fc = vigil_failcount(s, r, n);
	if (fc > 0 && r->migration_threshold - fc <= 0) {
		explain(s, r, "fail-count %d on %s reached migration-threshold %d", fc, n->name,
			r->migration_threshold);
		rsc_location(s, r, n, -INF);
	}
}

/* --- colocations --------------------------------------------------------------------------- */

static vigil_role coloc_role(const char *v)
{
	if (v == NULL || strcasecmp(v, "Started") == 0)
		return VIGIL_ROLE_UNKNOWN;
	if (strcasecmp(v, "Stopped") == 0)
		return VIGIL_ROLE_STOPPED;
	if (strcasecmp(v, "Master") == 0 || strcasecmp(v, "Promoted") == 0)
		return VIGIL_ROLE_PROMOTED;
	if (strcasecmp(v, "Slave") == 0 || strcasecmp(v, "Unpromoted") == 0)
		return VIGIL_ROLE_UNPROMOTED;
	return VIGIL_ROLE_UNKNOWN;
}

static int variant(const vigil_srsc *r)
{
	return r->children->len > 0 || (r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP);
}

static gint cmp_by(const vigil_srsc *a, const vigil_srsc *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (variant(a) != variant(b))
		return variant(a) > variant(b) ? -1 : 1;
	return strcmp(a->id, b->id);
}

static gint cmp_primary(gconstpointer a, gconstpointer b)
{
	return cmp_by((*(vigil_coloc *const *)a)->primary, (*(vigil_coloc *const *)b)->primary);
}

static gint cmp_dependent(gconstpointer a, gconstpointer b)
{
	return cmp_by((*(vigil_coloc *const *)a)->dependent,
		      (*(vigil_coloc *const *)b)->dependent);
}

static void coloc_new(vigil_sched *s, const char *id, vigil_srsc *dep, vigil_srsc *pri,
		      int score, const vigil_constraint *c)
{
	vigil_coloc *col;
	const char *critical = dep->cfg != NULL ? vigil_rsc_meta(s->cib, dep->cfg, "critical") :
						   NULL;

	if (score == 0 || dep == pri)
		return;
	col = vigil_arena_alloc0(s->arena, sizeof(*col));
	col->id = id;
	col->dependent = dep;
	col->primary = pri;
	col->score = score;
	col->dependent_role = coloc_role(c != NULL ? c->rsc_role : NULL);
	col->primary_role = coloc_role(c != NULL ? c->with_rsc_role : NULL);
	col->node_attribute = c != NULL ? c->node_attribute : NULL;
	col->influence = critical == NULL || vigil_str_is_true(critical);
	if (c != NULL && c->influence != NULL)
		col->influence = vigil_str_is_true(c->influence);
	g_ptr_array_add(s->colocs, col);
	g_ptr_array_add(dep->this_with, col);
	g_ptr_array_add(pri->with_this, col);
}

static void sort_colocs(vigil_srsc *r)
{
	g_ptr_array_sort(r->this_with, cmp_primary);
	g_ptr_array_sort(r->with_this, cmp_dependent);
	for (guint k = 0; k < r->children->len; k++)
		sort_colocs(g_ptr_array_index(r->children, k));
}

static void unpack_colocations(vigil_sched *s)
{
	for (guint i = 0; i < s->rscs->len; i++) {
		vigil_srsc *g = g_ptr_array_index(s->rscs, i);

		for (guint k = 1; k < g->children->len; k++)
			coloc_new(s, "group:internal_colocation", g_ptr_array_index(g->children, k),
				  g_ptr_array_index(g->children, k - 1), INF, NULL);
	}
	for (guint i = 0; i < s->cib->constraints->len; i++) {
		const vigil_constraint *c = g_ptr_array_index(s->cib->constraints, i);
		vigil_srsc *dep, *pri;
		int score = 0;

		if (c->kind != VIGIL_CONS_COLOCATION || c->rsc == NULL || c->with_rsc == NULL)
			continue;
		dep = g_hash_table_lookup(s->by_id, c->rsc);
		pri = g_hash_table_lookup(s->by_id, c->with_rsc);
		if (dep == NULL || pri == NULL || vigil_score_parse(c->score, &score) < 0)
			continue;
		coloc_new(s, c->id, dep, pri, score, c);
	}
	for (guint i = 0; i < s->rscs->len; i++)
		sort_colocs(g_ptr_array_index(s->rscs, i));
}

static bool is_group(const vigil_srsc *r)
{
	return r->cfg != NULL && r->cfg->kind == VIGIL_RSC_GROUP;
}

/* The colocations of one side of a resource: its own, then those of its group that fall to
 * it; walked in place (placement asks for them at every step of every merge). */
typedef struct coloc_list {
	const GPtrArray *own, *group; /* group: NULL if none */
} coloc_list;

static guint coloc_count(const coloc_list *l)
{
	return l->own->len + (l->group != NULL ? l->group->len : 0);
}

static vigil_coloc *coloc_at(const coloc_list *l, guint i)
{
	return g_ptr_array_index(i < l->own->len ? l->own : l->group,
				 i < l->own->len ? i : i - l->own->len);
}

/* The colocations where R is the dependent; a group's own belong to its first member. */
static coloc_list this_with(const vigil_srsc *r)
{
	coloc_list l = { r->this_with, NULL };

	if (r->parent != NULL && g_ptr_array_index(r->parent->children, 0) == r)
		l.group = r->parent->this_with;
	return l;
}

/* The colocations where R is the primary; a group's own belong to its last member. */
static coloc_list with_this(const vigil_srsc *r)
{
	coloc_list l = { r->with_this, NULL };

	if (r->parent != NULL &&
	    g_ptr_array_index(r->parent->children, r->parent->children->len - 1) == r)
		l.group = r->parent->with_this;
	return l;
}

static bool has_influence(const vigil_coloc *c)
{
	return c->influence || c->primary->running_on->len == 0;
}

static const char *attr_of(const vigil_sched *s, const vigil_snode *n, const char *attr)
{
	return vigil_snode_attr(s, n, attr != NULL ? attr : "#uname");
}

static bool attr_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL ? strcasecmp(a, b) == 0 : a == b;
}

static int best_score_matching(const vigil_sched *s, const vigil_srsc *r, const char *attr,
			       const char *value)
{
	int best = -INF;

	for (unsigned i = 0; i < n_nodes(s); i++) {
		const vigil_snode *n = node_at(s, i);

		if (r->weights[i] != VIGIL_NOT_ALLOWED && r->weights[i] > best &&
		    vigil_snode_available(n) && attr_eq(value, attr_of(s, n, attr)))
			best = r->weights[i];
	}
	return best;
}

/* Colocating by node name: node names are unique, so the best score "on a node with the
 * same name" is R's own score there (if it is allowed and available). */
static int same_node_score(const vigil_sched *s, const vigil_srsc *r, unsigned i)
{
	return r->weights[i] != VIGIL_NOT_ALLOWED && r->weights[i] > -INF &&
	       vigil_snode_available(node_at(s, i)) ? r->weights[i] : -INF;
}

static bool by_uname(const char *attr)
{
	return attr == NULL || strcmp(attr, "#uname") == 0;
}

/* Adds R's scores, scaled by FACTOR, to the nodes of WORK (Pacemaker's
 * add_node_scores_matching_attr()): per node, R's best score on a node with the same value
 * of ATTR. A negative preference for a node R rejects does not become a positive one. */
static void add_scores_matching(const vigil_sched *s, int *work, const vigil_srsc *r,
				const char *attr, double factor)
{
	for (unsigned i = 0; i < n_nodes(s); i++) {
		int score, weight;
		double f;

		if (work[i] == VIGIL_NOT_ALLOWED)
			continue;
		score = by_uname(attr) ? same_node_score(s, r, i) :
			best_score_matching(s, r, attr, attr_of(s, node_at(s, i), attr));
		if (factor < 0 && score < 0)
			continue;
		f = factor * score;
		weight = (int)(f < 0 ? f - 0.5 : f + 0.5);
		/* small factors must not wipe out small scores */
		if (weight == 0 && score != 0)
			weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
		work[i] = vigil_score_add(weight, work[i]);
	}
}

/* Pacemaker 2.1.5's merge of a dependent's preferences into its primary's scores (the
 * "with this" colocations, native_merge_weights with rollback): R's scores, and
 * recursively those of the resources colocated with R, scaled by FACTOR, are added to
 * *NODES, unless that leaves no node available (then *NODES is left as it was). A group
 * takes part through its first member, which the others follow. */
static void add_colocated_scores(vigil_sched *s, vigil_srsc *r, int **nodes, const char *attr,
				 double factor)
{
	g_autofree int *work = NULL;
	coloc_list l;

	if (is_group(r)) {
		if (r->children->len == 0 || r->merging)
			return;
		r->merging = true;
		add_colocated_scores(s, g_ptr_array_index(r->children, 0), nodes, attr, factor);
		r->merging = false;
		return;
	}
	if (r->merging)
		return;
	r->merging = true;
	work = table_copy(s, *nodes);
	add_scores_matching(s, work, r, attr, factor);
	if (!any_available(s, work)) {
		r->merging = false;
		return; /* roll back */
	}
	l = with_this(r);
	for (guint i = 0; i < coloc_count(&l); i++) {
		const vigil_coloc *c = coloc_at(&l, i);

		if (has_influence(c))
			add_colocated_scores(s, c->dependent, &work, c->node_attribute,
					     factor * c->score / (double)INF);
	}
	g_free(*nodes);
	*nodes = g_steal_pointer(&work);
	r->merging = false;
}

static void assign(vigil_sched *s, vigil_srsc *r);

/* Pacemaker's pcmk__colocation_affects() for location purposes. */
static bool coloc_affects(const vigil_srsc *dep, const vigil_srsc *pri, const vigil_coloc *c)
{
	if (pri->provisional || !dep->provisional)
		return false;
	if (c->score > 0 && c->dependent_role != VIGIL_ROLE_UNKNOWN &&
	    c->dependent_role != dep->next_role)
		return false;
	if (c->score > 0 && c->primary_role != VIGIL_ROLE_UNKNOWN &&
	    c->primary_role != pri->next_role)
		return false;
	if (c->score < 0 && c->dependent_role != VIGIL_ROLE_UNKNOWN &&
	    c->dependent_role == dep->next_role)
		return false;
	if (c->score < 0 && c->primary_role != VIGIL_ROLE_UNKNOWN &&
	    c->primary_role == pri->next_role)
		return false;
	return true;
}

/* Pacemaker's pcmk__apply_coloc_to_weights(): an anti-colocation with a primary placed
 * nowhere changes nothing; a colocation with it keeps the dependent off every node. */
static void coloc_to_weights(vigil_sched *s, vigil_srsc *dep, const vigil_srsc *pri,
			     const vigil_coloc *c)
{
	const char *value = pri->assigned != NULL ? attr_of(s, pri->assigned, c->node_attribute) :
						    NULL;
	g_autofree int *work = NULL;

	if (pri->assigned == NULL && c->score < 0)
		return;
	work = table_copy(s, dep->weights);

	for (unsigned i = 0; i < n_nodes(s); i++) {
		if (work[i] == VIGIL_NOT_ALLOWED)
			continue;
		if (pri->assigned == NULL) {
			work[i] = vigil_score_add(-c->score, work[i]);
			continue;
		}
		if (by_uname(c->node_attribute) ? node_at(s, i) == pri->assigned :
		    attr_eq(attr_of(s, node_at(s, i), c->node_attribute), value)) {
			if (c->score < INF)
				work[i] = vigil_score_add(c->score, work[i]);
		} else if (c->score >= INF) {
			work[i] = -INF;
		}
	}
	if (c->score <= -INF || c->score >= INF || any_available(s, work)) {
		g_free(dep->weights);
		dep->weights = g_steal_pointer(&work);
	}
}

/* The resource a colocation with PRI really refers to: a group's last member for a
 * mandatory one (the whole group must be up), its first for an optional one. */
static vigil_srsc *effective_primary(vigil_srsc *pri, const vigil_coloc *c)
{
	if (!is_group(pri) || pri->children->len == 0)
		return pri;
	return g_ptr_array_index(pri->children, c->score >= INF ? pri->children->len - 1 : 0);
}

static void apply_this_with(vigil_sched *s, vigil_srsc *r, const vigil_coloc *c)
{
	g_autofree int *archive = NULL;
	vigil_srsc *pri;

	if (c->score < 0 && c->score > -INF)
		archive = table_copy(s, r->weights);
	assign(s, c->primary);
	pri = effective_primary(c->primary, c);
	if (coloc_affects(r, pri, c)) {
		explain(s, r, "colocation %s with %s (score %d; %s is placed on %s)", c->id,
			c->primary->id, c->score, pri->id,
			pri->assigned != NULL ? pri->assigned->name : "no node");
		coloc_to_weights(s, r, pri, c);
	}
	if (archive != NULL && !any_available(s, r->weights)) {
		g_free(r->weights);
		r->weights = g_steal_pointer(&archive);
	}
}

static void add_dependent_scores(vigil_sched *s, vigil_srsc *r, const vigil_coloc *c)
{
	if (!has_influence(c))
		return;
	explain(s, r, "takes in the preferences of %s (colocation %s, factor %g)",
		c->dependent->id, c->id, c->score / (double)INF);
	add_colocated_scores(s, c->dependent, &r->weights, c->node_attribute,
			     c->score / (double)INF);
}

/* In Pacemaker 2.1.5 order: every colocation with a primary, then every dependent's
 * preferences, each list in its sorted order (mandatory ones are not taken first). */
static void apply_colocations(vigil_sched *s, vigil_srsc *r)
{
	coloc_list tw = this_with(r), wt = with_this(r);

	for (guint i = 0; i < coloc_count(&tw); i++)
		apply_this_with(s, r, coloc_at(&tw, i));
	for (guint i = 0; i < coloc_count(&wt); i++)
		add_dependent_scores(s, r, coloc_at(&wt, i));
}

/* --- choosing a node ------------------------------------------------------------------------ */

typedef struct sort_ctx {
	const vigil_sched *s;
	const int *weights;
	const vigil_snode *preferred;
} sort_ctx;

/* A node's score as the order of nodes sees it: -INFINITY where it is not available. */
static int effective_score(const sort_ctx *ctx, const vigil_snode *n)
{
	return vigil_snode_available(n) ? ctx->weights[n->index] : -INF;
}

/* compare_nodes() of X and Y, whose effective scores are WX and WY. */
static gint compare_ranked(const sort_ctx *ctx, const vigil_snode *x, int wx, const vigil_snode *y,
			   int wy)
{
	if (wx != wy)
		return wx > wy ? -1 : 1;
	if (x->assigned != y->assigned)
		return x->assigned < y->assigned ? -1 : 1;
	if (ctx->preferred != NULL && (x == ctx->preferred) != (y == ctx->preferred))
		return x == ctx->preferred ? -1 : 1;
	return strcmp(x->name, y->name);
}

static gint compare_nodes(gconstpointer a, gconstpointer b, gpointer data)
{
	const sort_ctx *ctx = data;
	const vigil_snode *x = *(vigil_snode *const *)a, *y = *(vigil_snode *const *)b;

	return compare_ranked(ctx, x, effective_score(ctx, x), y, effective_score(ctx, y));
}

static void finalize(vigil_sched *s, vigil_srsc *r, vigil_snode *chosen, bool force)
{
	(void)s;
	if (!force && chosen != NULL &&
	    (r->weights[chosen->index] < 0 || !vigil_snode_available(chosen)))
		chosen = NULL;
	r->provisional = false;
	r->assigned = chosen;
	if (chosen == NULL) {
		r->next_role = VIGIL_ROLE_STOPPED;
		return;
	}
	chosen->assigned++;
}

/* The allowed nodes that sort first and second by compare_nodes() (NULL where there are
 * fewer): what a stable sort of them would put there, in one pass without sorting. */
static void best_two_nodes(const vigil_sched *s, const sort_ctx *ctx, vigil_snode **ret_best,
			   vigil_snode **ret_second)
{
	vigil_snode *best = NULL, *second = NULL;
	int wb = 0, ws = 0; /* their effective scores */

	for (unsigned i = 0; i < n_nodes(s); i++) {
		vigil_snode *n = node_at(s, i);
		int wn;

		if (ctx->weights[i] == VIGIL_NOT_ALLOWED)
			continue;
		wn = effective_score(ctx, n);
		/* only a strictly better node goes before: of equal ones the earlier stays */
		if (best == NULL || compare_ranked(ctx, n, wn, best, wb) < 0) {
			second = best;
			ws = wb;
			best = n;
			wb = wn;
		} else if (second == NULL || compare_ranked(ctx, n, wn, second, ws) < 0) {
			second = n;
			ws = wn;
		}
	}
	*ret_best = best;
	*ret_second = second;
}

static void assign_best_node(vigil_sched *s, vigil_srsc *r)
{
	/* the node it counts as running on, as pe__current_node(): not simply the first found */
	vigil_snode *current = vigil_srsc_active_on(s, r);
	sort_ctx ctx = { s, r->weights, current };
	vigil_snode *best, *second, *chosen;

	best_two_nodes(s, &ctx, &best, &second);
	if (best == NULL) {
		finalize(s, r, NULL, false);
		return;
	}
	chosen = best;
	r->explain_why = "highest score";
	if (second != NULL && compare_nodes(&best, &second, &ctx) < 0) {
		int w0 = vigil_snode_available(best) ? r->weights[best->index] : -INF;
		int w1 = vigil_snode_available(second) ? r->weights[second->index] : -INF;

		if (w0 == w1)
			r->explain_why = best->assigned != second->assigned ?
				"tie on score, fewer resources placed there" :
				best == current ? "tie on score, it already runs there" :
				"tie on score and load, first node name";
	}
	/* where it runs now wins a tie on score (whatever the load): the nodes that sort right
	 * after the best with the same score are the available ones with that score */
	if (r->weights[best->index] > 0 && vigil_snode_available(best) && current != NULL &&
	    current != best && vigil_snode_available(current) &&
	    r->weights[current->index] == r->weights[best->index]) {
		chosen = current;
		r->explain_why = "tie on score, it already runs there";
	}
	finalize(s, r, chosen, false);
}

static void explain_scores(const vigil_sched *s, const vigil_srsc *r)
{
	g_string_append_printf(s->explain, "  %s: final scores:", r->id);
	for (unsigned i = 0; i < n_nodes(s); i++) {
		const vigil_snode *n = node_at(s, i);
		char buf[16];

		if (r->weights[i] == VIGIL_NOT_ALLOWED)
			continue;
		g_string_append_printf(s->explain, " %s=%s%s", n->name,
				       vigil_score_str(r->weights[i], buf),
				       vigil_snode_available(n) ? "" : " (unavailable)");
	}
	g_string_append_c(s->explain, '\n');
}

static void assign_primitive(vigil_sched *s, vigil_srsc *r)
{
	if (r->parent != NULL && !r->parent->allocating)
		assign(s, r->parent);
	if (!r->provisional || r->allocating)
		return;
	r->allocating = true;
	apply_colocations(s, r);
	if (r->next_role == VIGIL_ROLE_STOPPED) {
		rsc_location(s, r, NULL, -INF);
	} else if (!s->opts.have_quorum && s->opts.no_quorum_policy == VIGIL_NQP_FREEZE &&
		   r->next_role > r->role) {
		r->next_role = r->role; /* may not be raised without quorum */
	}
	if (s->scores != NULL)
		show_scores(s, "pcmk__primitive_assign", r, s->scores);
	if (explaining(s, r))
		explain_scores(s, r);
	if (s->opts.stonith_enabled && !s->opts.have_stonith_rsc)
		r->managed = false;
	if (!r->managed) {
		r->next_role = r->role;
		finalize(s, r, vigil_srsc_active_on(s, r), true);
		explain(s, r, "unmanaged%s: stays where it is (%s)",
			s->opts.stonith_enabled && !s->opts.have_stonith_rsc ?
				" (stonith-enabled=true but no fencing device is configured)" : "",
			r->assigned != NULL ? r->assigned->name : "stopped");
	} else if (s->stop_all) {
		finalize(s, r, NULL, true);
		explain(s, r, "stop-all-resources=true: stopped");
	} else if (r->provisional) {
		assign_best_node(s, r);
		if (r->assigned != NULL)
			explain(s, r, "placed on %s (%s)", r->assigned->name, r->explain_why);
		else
			explain(s, r, "cannot run anywhere: no available node has a score of 0 or more");
	}
	r->allocating = false;
}

static void assign_group(vigil_sched *s, vigil_srsc *g)
{
	if (!g->provisional || g->allocating)
		return;
	if (g->children->len == 0) {
		g->provisional = false;
		return;
	}
	g->allocating = true;
	if (s->scores != NULL) {
		show_scores(s, "pcmk__group_assign", g, s->scores);
		for (guint i = 0; i < g->children->len; i++)
			show_scores(s, "pcmk__group_assign", g_ptr_array_index(g->children, i),
				    s->scores);
	}
	for (guint i = 0; i < g->children->len; i++)
		assign(s, g_ptr_array_index(g->children, i));
	g->next_role = ((vigil_srsc *)g_ptr_array_index(g->children, 0))->next_role;
	g->assigned = ((vigil_srsc *)g_ptr_array_index(g->children, 0))->assigned;
	g->allocating = false;
	g->provisional = false;
}

static void assign(vigil_sched *s, vigil_srsc *r)
{
	if (is_group(r))
		assign_group(s, r);
	else
		assign_primitive(s, r);
}

void vigil_place(vigil_sched *s)
{
	s->legacy_failcounts = vigil_cib_legacy_failcounts(s->cib);
	for (guint i = 0; i < s->rscs->len; i++)
		init_rsc(s, g_ptr_array_index(s->rscs, i));
	apply_locations(s);
	for (guint i = 0; i < s->rscs->len; i++)
		apply_stickiness(s, g_ptr_array_index(s->rscs, i));
	for (guint n = 0; n < n_nodes(s); n++) {
		/* where vigil_failcount() is 0 for every resource, there is nothing to check */
		if (!may_have_failcounts(node_at(s, n)))
			continue;
		for (guint i = 0; i < s->rscs->len; i++)
			check_threshold(s, g_ptr_array_index(s->rscs, i), node_at(s, n));
	}
	unpack_colocations(s);
	for (guint i = 0; i < s->rscs->len; i++)
		assign(s, g_ptr_array_index(s->rscs, i));
}
