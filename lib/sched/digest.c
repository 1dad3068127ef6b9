/* Definition changes: whether a resource's parameters changed since it was started, by the
 * digest Pacemaker records with each operation (op-digest), so that a changed resource is
 * restarted (or reloaded, where the agent can) as Pacemaker would. */
#include "config.h"

#include <string.h>

#include "common/duration.h"
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

/* How an operation's recorded digests compare with the parameters now, as Pacemaker's
 * rsc_action_digest_cmp() tells it. */
typedef enum digest_rc {
	DIGEST_MATCH,
	DIGEST_UNKNOWN, /* no op-digest recorded */
	DIGEST_RESTART, /* the parameters that need a restart changed (op-restart-digest) */
	DIGEST_ALL,     /* some parameter changed (op-digest) */
} digest_rc;

/* The parameters an operation's digests are computed from: the resource's and the
 * operation's own (which win), and for a recurring operation its timeout, which
 * Pacemaker's pcmk__filter_op_for_digest() keeps in its digest (CRM_meta_timeout). */
typedef struct op_params {
	params all;
	params own;          /* the operation's own */
	char *timeout_ms;    /* recurring operations only, else NULL */
} op_params;

/* The timeout of the operation CONF configures (NULL if none): its own, op_defaults', or
 * Pacemaker's default of 20 seconds; in milliseconds. Caller frees. */
static char *op_timeout_ms(const vigil_sched *s, const vigil_op *conf)
{
	const char *text = conf != NULL ? conf->timeout : NULL;
	uint64_t ms;

	if (text == NULL && conf != NULL)
		text = vigil_nvsets_get(conf->nvsets, "meta_attributes", "timeout");
	if (text == NULL)
		text = vigil_nvsets_get(s->cib->op_defaults, "meta_attributes", "timeout");
	if (text == NULL || vigil_duration_parse_ms(text, &ms) < 0)
		ms = 20000;
	return g_strdup_printf("%" G_GUINT64_FORMAT, ms);
}

static void op_params_init(const vigil_sched *s, const vigil_srsc *r, const vigil_lrm_op *op,
			   op_params *p)
{
	const vigil_op *conf = vigil_rsc_find_op(r->cfg, op->operation, (uint64_t)op->interval_ms_v);

	p->all.values = g_hash_table_new(g_str_hash, g_str_equal);
	p->own.values = g_hash_table_new(g_str_hash, g_str_equal);
	p->timeout_ms = NULL;
	if (conf != NULL) {
		params_add_sets(&p->own, conf->nvsets);
		params_add_sets(&p->all, conf->nvsets);
	}
	params_add_sets(&p->all, r->cfg->nvsets);
	if (op->interval_ms_v > 0) {
		p->timeout_ms = op_timeout_ms(s, conf);
		g_hash_table_insert(p->all.values, (gpointer)"CRM_meta_timeout", p->timeout_ms);
	}
}

static void op_params_clear(op_params *p)
{
	g_hash_table_unref(p->all.values);
	g_hash_table_unref(p->own.values);
	g_free(p->timeout_ms);
}

/* Pacemaker's rsc_action_digest_cmp() for OP's parameters P. The digest of all of a
 * resource's parameters is the same on every node it has a history on: where the operation
 * adds nothing of its own, it is computed once and kept in CACHE->param_digest (if CACHE is
 * not NULL). */
static digest_rc digest_cmp(vigil_srsc *cache, const vigil_lrm_op *op, const op_params *p)
{
	const char *restart_digest = vigil_extra_attr(&op->extra, "op-restart-digest");
	const char *restart_list = vigil_extra_attr(&op->extra, "op-force-restart");
	g_autofree char *calc = NULL;

	if (restart_digest != NULL && restart_list != NULL) {
		restart_ctx rc = { restart_list, &p->own };
		g_autofree char *rcalc = params_digest(&p->all, restart_keep, &rc);

		if (strcmp(rcalc, restart_digest) != 0)
			return DIGEST_RESTART;
	}
	if (op->op_digest == NULL)
		return DIGEST_UNKNOWN;
	if (cache == NULL || g_hash_table_size(p->own.values) > 0 || p->timeout_ms != NULL) {
		calc = params_digest(&p->all, NULL, NULL);
	} else {
		if (cache->param_digest == NULL)
			cache->param_digest = params_digest(&p->all, NULL, NULL);
		calc = g_strdup(cache->param_digest);
	}
	return strcmp(calc, op->op_digest) == 0 ? DIGEST_MATCH : DIGEST_ALL;
}

/* Whether OP's secure digest (passwords left out, as a sanitized CIB records them) still
 * matches: then only the hidden parameters differ (Pacemaker's only_sanitized_changed()). */
static bool secure_digest_matches(const vigil_srsc *r, const vigil_lrm_op *op,
				  const op_params *p)
{
	const char *secure_digest = vigil_extra_attr(&op->extra, "op-secure-digest");
	const char *secure_list = vigil_extra_attr(&op->extra, "op-secure-params");
	secure_ctx sc;
	g_autofree char *scalc = NULL;

	if (secure_digest == NULL || secure_list == NULL)
		return false;
	sc = (secure_ctx){ secure_list, g_strcmp0(r->cfg->class_, "stonith") == 0 };
	scalc = params_digest(&p->all, secure_keep, &sc);
	return strcmp(scalc, secure_digest) == 0;
}

/* Pacemaker's pcmk__check_action_config(): whether OP was run with other parameters than R
 * has now (an operation that recorded no digest counts as changed); *RET_RESTART tells
 * whether only a restart (not a reload) can apply them. */
static bool params_changed(const vigil_sched *s, vigil_srsc *r, const vigil_lrm_op *op,
			   bool *ret_restart)
{
	op_params p;
	bool changed = true;

	*ret_restart = true;
	op_params_init(s, r, op, &p);
	switch (digest_cmp(r, op, &p)) {
	case DIGEST_MATCH:
		changed = false;
		break;
	case DIGEST_RESTART:
		break;
	case DIGEST_UNKNOWN:
	case DIGEST_ALL:
		if (secure_digest_matches(r, op, &p)) {
			changed = false;
			break;
		}
		/* parameters of the operation itself can only be applied by running it again */
		*ret_restart = vigil_extra_attr(&op->extra, "op-restart-digest") == NULL ||
			       g_hash_table_size(p.own.values) > 0;
		break;
	}
	op_params_clear(&p);
	return changed;
}

bool vigil_failure_params_changed(const vigil_sched *s, const vigil_srsc *r,
				  const vigil_lrm_op *op)
{
	op_params p;
	digest_rc rc;

	if (r->cfg == NULL || r->cfg->kind != VIGIL_RSC_PRIMITIVE ||
	    (g_strcmp0(op->operation, "start") != 0 && g_strcmp0(op->operation, "monitor") != 0))
		return false;
	op_params_init(s, r, op, &p);
	rc = digest_cmp(NULL, op, &p);
	op_params_clear(&p);
	return rc == DIGEST_RESTART || rc == DIGEST_ALL;
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
	ops = vigil_ops_by_call(l);
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
		if (params_changed(s, r, op, &restart))
			changed(s, r, n, op, !restart);
	}
}

void vigil_check_definitions(vigil_sched *s, vigil_digest_fn changed)
{
	g_autoptr(GPtrArray) last = g_ptr_array_new();

	for (guint i = 0; i < s->nodes->len; i++) {
		vigil_snode *n = g_ptr_array_index(s->nodes, i);
		const vigil_node_state *st = n->info->state;

		/* only where actions can run (Pacemaker's pcmk__handle_rsc_config_changes) */
		if (st == NULL || !(n->info->maintenance || vigil_snode_available(n)))
			continue;
		for (guint j = 0; j < st->lrm_rscs->len; j++) {
			const vigil_lrm_rsc *l = g_ptr_array_index(st->lrm_rscs, j);
			vigil_srsc *r = vigil_history_rsc(s, last, j, l->id);

			if (r == NULL || r->cfg == NULL || r->cfg->kind != VIGIL_RSC_PRIMITIVE ||
			    r->orphan)
				continue;
			check_history(s, r, n, l, changed);
		}
	}
}
