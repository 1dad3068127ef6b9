/* Definition changes: whether a resource's parameters changed since it was started, by the
 * digest Pacemaker records with each operation (op-digest), so that a changed resource is
 * restarted (or reloaded, where the agent can) as Pacemaker would. */
#include "config.h"

#include <string.h>

#include "common/xattrs.h"
#include "sched/sched-private.h"

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An attribute value escaped as libxml2 writes it. */
static void append_escaped(GString *out, const char *v)
{
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\n': g_string_append(out, "&#10;"); break;
		case '\r': g_string_append(out, "&#13;"); break;
		case '\t': g_string_append(out, "&#9;"); break;
		default: g_string_append_c(out, *v);
		}
	}
}

/* Parameters: name -> value, as a sorted list of names into a table. */
typedef struct params {
	GHashTable *values;  /* name -> value (borrowed) */
} params;

static void params_add_sets(params *p, const GPtrArray *nvsets)
{
	for (guint i = 0; nvsets != NULL && i < nvsets->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(nvsets, i);

		if (g_strcmp0(set->element, "instance_attributes") != 0)
			continue;
		for (guint j = 0; j < set->nvpairs->len; j++) {
			const vigil_nvpair *pair = g_ptr_array_index(set->nvpairs, j);

			if (pair->name != NULL && !g_hash_table_contains(p->values, pair->name))
				g_hash_table_insert(p->values, pair->name,
						    (gpointer)vigil_nvsets_get(nvsets,
									       "instance_attributes",
									       pair->name));
		}
	}
}

/* The MD5 of the parameters as one XML element, attributes sorted by name, serialized the
 * way Pacemaker does it (leading blank included); KEEP, if non-NULL, says which to use. */
static char *params_digest(const params *p, bool (*keep)(const char *name, const void *data),
			   const void *data)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GString) xml = g_string_new(" <parameters");
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, p->values);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_ptr_array_add(names, key);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		const char *v = g_hash_table_lookup(p->values, name);

		if (keep != NULL && !keep(name, data))
			continue;
		g_string_append_printf(xml, " %s=\"", name);
		append_escaped(xml, v != NULL ? v : "");
		g_string_append_c(xml, '"');
	}
	g_string_append(xml, "/>\n");
	return g_compute_checksum_for_string(G_CHECKSUM_MD5, xml->str, (gssize)xml->len);
}

char *vigil_rsc_param_digest(const vigil_rsc *cfg)
{
	params p = { g_hash_table_new(g_str_hash, g_str_equal) };
	char *d;

	params_add_sets(&p, cfg->nvsets);
	d = params_digest(&p, NULL, NULL);
	g_hash_table_unref(p.values);
	return d;
}

/* Whether NAME is a word of the blank-separated LIST. */
static bool in_list(const char *name, const void *list)
{
	g_auto(GStrv) words = g_strsplit_set(list, " ", -1);

	return g_strv_contains((const char *const *)words, name);
}

typedef struct secure_ctx {
	const char *list;
	bool fencing;
} secure_ctx;

static bool secure_keep(const char *name, const void *data)
{
	const secure_ctx *c = data;

	return !in_list(name, c->list) && !(c->fencing && g_str_has_prefix(name, "pcmk_"));
}

typedef struct restart_ctx {
	const char *list;
	const params *op_params;
} restart_ctx;

static bool restart_keep(const char *name, const void *data)
{
	const restart_ctx *c = data;

	return in_list(name, c->list) || g_hash_table_contains(c->op_params->values, name);
}

/* Pacemaker's rsc_action_digest_cmp(): whether OP was run with other parameters than R has
 * now; *RET_RESTART tells whether only a restart (not a reload) can apply them. */
static bool params_changed(vigil_srsc *r, const vigil_lrm_op *op, bool *ret_restart)
{
	const vigil_op *conf = vigil_rsc_find_op(r->cfg, op->operation, (uint64_t)op->interval_ms_v);
	params all = { g_hash_table_new(g_str_hash, g_str_equal) };
	params op_params = { g_hash_table_new(g_str_hash, g_str_equal) };
	const char *restart_digest = vigil_extra_attr(&op->extra, "op-restart-digest");
	const char *restart_list = vigil_extra_attr(&op->extra, "op-force-restart");
	const char *secure_digest = vigil_extra_attr(&op->extra, "op-secure-digest");
	const char *secure_list = vigil_extra_attr(&op->extra, "op-secure-params");
	g_autofree char *calc = NULL;
	bool changed = false;

	*ret_restart = true;
	if (conf != NULL) {
		params_add_sets(&op_params, conf->nvsets);
		params_add_sets(&all, conf->nvsets);
	}
	params_add_sets(&all, r->cfg->nvsets);
	if (restart_digest != NULL && restart_list != NULL) {
		restart_ctx rc = { restart_list, &op_params };
		g_autofree char *rcalc = params_digest(&all, restart_keep, &rc);

		if (strcmp(rcalc, restart_digest) != 0) {
			changed = true;
			goto done;
		}
	}
	/* the resource's own parameters: the same digest on every node it has a history on */
	if (conf != NULL && conf->nvsets->len > 0) {
		calc = params_digest(&all, NULL, NULL);
	} else {
		if (r->param_digest == NULL)
			r->param_digest = params_digest(&all, NULL, NULL);
		calc = g_strdup(r->param_digest);
	}
	if (g_strcmp0(calc, op->op_digest) == 0)
		goto done;
	/* a sanitized CIB (passwords masked) still matches by its secure digest */
	if (secure_digest != NULL && secure_list != NULL) {
		secure_ctx sc = { secure_list, g_strcmp0(r->cfg->class_, "stonith") == 0 };
		g_autofree char *scalc = params_digest(&all, secure_keep, &sc);

		if (strcmp(scalc, secure_digest) == 0)
			goto done;
	}
	changed = true;
	/* parameters of the operation itself can only be applied by running it again */
	*ret_restart = restart_digest == NULL || g_hash_table_size(op_params.values) > 0;
done:
	g_hash_table_unref(all.values);
	g_hash_table_unref(op_params.values);
	return changed;
}

static bool is_start(const vigil_lrm_op *op)
{
	return g_strcmp0(op->operation, "start") == 0 ||
	       g_strcmp0(op->operation, "migrate_from") == 0;
}

/* Pacemaker's calculate_active_ops(): where the last start and the last completed stop
 * are. A start counts wherever it is (a failed one too); only when there is none does a
 * monitor that found the resource running (or a promotion) stand for it. The fields are
 * compared as the strings Pacemaker compares. */
static void active_ops(const GPtrArray *ops, int *ret_start, int *ret_stop)
{
	int start = -1, stop = -1, implied_monitor = -1, implied_clone = -1;

	for (guint i = 0; i < ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(ops, i);

		if (g_strcmp0(op->operation, "stop") == 0 && g_strcmp0(op->op_status, "0") == 0)
			stop = (int)i;
		else if (is_start(op))
			start = (int)i;
		else if (implied_monitor <= stop && g_strcmp0(op->operation, "monitor") == 0) {
			if (g_strcmp0(op->rc_code, "0") == 0 || g_strcmp0(op->rc_code, "8") == 0)
				implied_monitor = (int)i;
		} else if (g_strcmp0(op->operation, "promote") == 0 ||
			   g_strcmp0(op->operation, "demote") == 0)
			implied_clone = (int)i;
	}
	if (start == -1)
		start = implied_clone != -1 ? implied_clone : implied_monitor;
	*ret_start = start;
	*ret_stop = stop;
}

/* Checks R's history on N (Pacemaker's process_rsc_history()); calls CHANGED for each
 * operation whose parameters no longer match. */
static void check_history(vigil_sched *s, vigil_srsc *r, vigil_snode *n, const vigil_lrm_rsc *l,
			  vigil_digest_fn changed)
{
	g_autoptr(GPtrArray) ops = NULL;
	int start, stop;
	bool restart;

	/* a history where R is no longer active (a failed start since recovered from, an
	 * expired failure) asks for nothing: Pacemaker skips it before any digest */
	if (!g_ptr_array_find(r->running_on, n, NULL))
		return;
	ops = vigil_lrm_rsc_ops_by_call(l);
	active_ops(ops, &start, &stop);
	if (start < stop)
		return; /* stopped since */
	/* with no start at all, every operation is looked at */
	for (guint i = (guint)MAX(start, 0); i < ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(ops, i);

		if (op->interval_ms_v != 0)
			continue; /* recurring monitors are only rescheduled: nothing to show */
		if (!is_start(op) && g_strcmp0(op->operation, "monitor") != 0 &&
		    g_strcmp0(op->operation, "promote") != 0)
			continue;
		if (params_changed(r, op, &restart))
			changed(s, r, n, op, !restart);
	}
}

void vigil_check_definitions(vigil_sched *s, vigil_digest_fn changed)
{
	for (guint i = 0; i < s->nodes->len; i++) {
		vigil_snode *n = g_ptr_array_index(s->nodes, i);
		const vigil_node_state *st = n->info->state;

		/* only where actions can run (Pacemaker's pcmk__handle_rsc_config_changes) */
		if (st == NULL || !(n->info->maintenance || vigil_snode_available(n)))
			continue;
		for (guint j = 0; j < st->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *l = g_ptr_array_index(st->lrm_rscs, j);
			vigil_srsc *r = l->id != NULL ? g_hash_table_lookup(s->by_id, l->id) : NULL;

			if (r == NULL || r->cfg == NULL || r->cfg->kind != VIGIL_RSC_PRIMITIVE ||
			    r->orphan)
				continue;
			check_history(s, r, n, l, changed);
		}
	}
}
