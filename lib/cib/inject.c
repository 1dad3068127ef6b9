/* Changes to a CIB's node states, node attributes and operation history, the way the
 * cluster (and crm_simulate's injections) make them, so that the scheduler sees the cluster
 * as it is or would be: vigil simulate's what-ifs and simulated results, and the real
 * results vigild's controller records. Also records a simulated transition's results, for the
 * revised status. Works on the CIB structs in place: a big status section is neither
 * written out nor read again. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cib/cib-private.h"
#include "common/arena.h"
#include "cib/inject.h"

/* One node's histories by resource id, the first of each: open addressing in a table sized
 * for them all at once. Recording a transition looks up a history per action, but indexes
 * every history of each node it touches: GHashTable's growth made that most of its cost. */
typedef struct history_index {
	vigil_lrm_rsc **slots; /* NULL where free */
	guint size;            /* a power of two, at least twice what it holds */
	guint held;
} history_index;

/* One node's status, with its histories indexed as they are looked up. */
typedef struct inject_node {
	vigil_node_state *st;
	history_index histories;
	GHashTable *calls;     /* vigil_lrm_rsc* -> highest call-id so far, as a pointer */
} inject_node;

struct vigil_inject {
	vigil_cib *cib;
	GHashTable *nodes;     /* uname -> inject_node* */
	GPtrArray *forgotten;  /* histories of fenced nodes: freed with this, not before */
};

static void inject_node_free(inject_node *n)
{
	g_free(n->histories.slots);
	g_hash_table_unref(n->calls);
	g_free(n);
}

vigil_inject *vigil_inject_new(vigil_cib *cib)
{
	vigil_inject *in = g_new0(vigil_inject, 1);

	in->cib = cib;
	in->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  (GDestroyNotify)inject_node_free);
	in->forgotten = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
	return in;
}

void vigil_inject_free(vigil_inject *in)
{
	if (in == NULL)
		return;
	g_hash_table_unref(in->nodes);
	g_ptr_array_unref(in->forgotten);
	g_free(in);
}

static void set(char **field, const char *value)
{
	g_free(*field);
	*field = g_strdup(value);
}

/* FNV-1a */
static guint id_hash(const char *id)
{
	guint h = 2166136261u;

	for (; *id != '\0'; id++)
		h = (h ^ (guchar)*id) * 16777619u;
	return h;
}

static void index_init(history_index *x, guint capacity)
{
	x->size = 16;
	while (x->size < 2 * capacity)
		x->size *= 2;
	x->slots = g_new0(vigil_lrm_rsc *, x->size);
	x->held = 0;
}

/* The slot of ID: its history, or the free slot where it would go (there always is one). */
static vigil_lrm_rsc **index_slot(const history_index *x, const char *id)
{
	guint i = id_hash(id) & (x->size - 1);

	while (x->slots[i] != NULL && strcmp(x->slots[i]->id, id) != 0)
		i = (i + 1) & (x->size - 1);
	return &x->slots[i];
}

/* Adds L, unless its resource has a history here already: the first one is the one that
 * counts. */
static void index_add(history_index *x, vigil_lrm_rsc *l)
{
	vigil_lrm_rsc **slot;

	if (2 * (x->held + 1) > x->size) {
		history_index bigger;

		index_init(&bigger, x->held + 1);
		for (guint i = 0; i < x->size; i++)
			if (x->slots[i] != NULL)
				*index_slot(&bigger, x->slots[i]->id) = x->slots[i];
		bigger.held = x->held;
		g_free(x->slots);
		*x = bigger;
	}
	slot = index_slot(x, l->id);
	if (*slot == NULL) {
		*slot = l;
		x->held++;
	}
}

/* Indexes the histories of node N, so that recording a large transition stays linear. */
static void index_histories(inject_node *n)
{
	index_init(&n->histories, n->st->lrm_rscs->len);
	for (guint i = 0; i < n->st->lrm_rscs->len; i++) {
		vigil_lrm_rsc *l = g_ptr_array_index(n->st->lrm_rscs, i);

		if (l->id != NULL)
			index_add(&n->histories, l);
	}
}

/* The node_state of UNAME, created (as a node never seen) if missing. */
static int node_state(vigil_inject *in, const char *uname, inject_node **ret)
{
	inject_node *n = g_hash_table_lookup(in->nodes, uname);
	vigil_node_state *st = NULL;
	vigil_node *node;

	if (n != NULL) {
		*ret = n;
		return 0;
	}
	node = vigil_cib_find_node(in->cib, uname);
	if (node == NULL)
		return -ENOENT;
	for (guint i = 0; i < in->cib->node_states->len && st == NULL; i++) {
		vigil_node_state *s = g_ptr_array_index(in->cib->node_states, i);

		if (g_strcmp0(s->id, node->id) == 0)
			st = s;
	}
	if (st == NULL) {
		st = g_new0(vigil_node_state, 1);
		st->lrm_rscs = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
		st->transient = VIGIL_PTR_ARRAY(vigil_nvset_free);
		st->id = g_strdup(node->id);
		st->uname = g_strdup(uname);
		in->cib->has_status = true;
		g_ptr_array_add(in->cib->node_states, st);
	}
	n = g_new0(inject_node, 1);
	n->st = st;
	n->calls = g_hash_table_new(NULL, NULL);
	index_histories(n);
	g_hash_table_insert(in->nodes, g_strdup(uname), n);
	*ret = n;
	return 0;
}

int vigil_inject_add_node(vigil_inject *in, const char *id, const char *uname)
{
	vigil_node *node;

	for (guint i = 0; i < in->cib->nodes->len; i++) {
		const vigil_node *n = g_ptr_array_index(in->cib->nodes, i);

		if (g_strcmp0(n->uname, uname) == 0)
			return 0;
		if (g_strcmp0(n->id, id) == 0)
			return -EEXIST;
	}
	node = g_new0(vigil_node, 1);
	node->nvsets = VIGIL_PTR_ARRAY(vigil_nvset_free);
	node->id = g_strdup(id);
	node->uname = g_strdup(uname);
	g_ptr_array_add(in->cib->nodes, node);
	in->cib->has_configuration = in->cib->has_nodes = true;
	return 1;
}

int vigil_inject_node(vigil_inject *in, const char *uname, vigil_inject_node_kind kind)
{
	static const char *const states[][4] = {
		/* in_ccm, crmd, join, expected */
		[VIGIL_INJECT_UP] = { "true", "online", "member", "member" },
		[VIGIL_INJECT_DOWN] = { "false", "offline", "down", "down" },
		[VIGIL_INJECT_FAIL] = { "false", "offline", "down", "member" },
	};
	inject_node *n;
	int r = node_state(in, uname, &n);
	vigil_node_state *st;

	if (r < 0)
		return r;
	st = n->st;
	set(&st->in_ccm, states[kind][0]);
	set(&st->crmd, states[kind][1]);
	set(&st->join, states[kind][2]);
	set(&st->expected, states[kind][3]);
	return 0;
}

static vigil_nvset *nvset_new(const char *id)
{
	vigil_nvset *s = g_new0(vigil_nvset, 1);

	s->element = g_strdup("instance_attributes");
	s->id = g_strdup(id);
	s->nvpairs = VIGIL_PTR_ARRAY(vigil_nvpair_free);
	return s;
}

/* The first instance_attributes of SETS, created with ID if there is none. */
static vigil_nvset *first_instance_attributes(GPtrArray *sets, const char *id)
{
	for (guint i = 0; i < sets->len; i++) {
		vigil_nvset *s = g_ptr_array_index(sets, i);

		if (g_strcmp0(s->element, "instance_attributes") == 0)
			return s;
	}
	g_ptr_array_add(sets, nvset_new(id));
	return g_ptr_array_index(sets, sets->len - 1);
}

/* The nvpair NAME of SET, created with ID if missing. */
static vigil_nvpair *nvpair_of(vigil_nvset *set, const char *name, const char *id)
{
	vigil_nvpair *p;

	for (guint i = 0; i < set->nvpairs->len; i++) {
		p = g_ptr_array_index(set->nvpairs, i);
		if (g_strcmp0(p->name, name) == 0)
			return p;
	}
	p = g_new0(vigil_nvpair, 1);
	p->id = g_strdup(id);
	p->name = g_strdup(name);
	g_ptr_array_add(set->nvpairs, p);
	return p;
}

/* Removes NAME from every instance_attributes set of SETS. */
static void remove_nvpair(GPtrArray *sets, const char *name)
{
	for (guint i = 0; i < sets->len; i++) {
		vigil_nvset *s = g_ptr_array_index(sets, i);

		if (g_strcmp0(s->element, "instance_attributes") != 0)
			continue;
		for (guint k = s->nvpairs->len; k-- > 0; )
			if (g_strcmp0(((vigil_nvpair *)g_ptr_array_index(s->nvpairs, k))->name,
				      name) == 0)
				g_ptr_array_remove_index(s->nvpairs, k);
	}
}

/* Sets a permanent attribute of node UNAME (what 'pcs node standby' does), or removes it
 * when VALUE is NULL ('pcs node unstandby'). */
int vigil_inject_node_attr(vigil_inject *in, const char *uname, const char *name,
			   const char *value)
{
	vigil_node *node = vigil_cib_find_node(in->cib, uname);
	g_autofree char *set_id = NULL, *pair_id = NULL;
	vigil_nvset *ia;

	if (node == NULL)
		return -ENOENT;
	if (value == NULL) {
		remove_nvpair(node->nvsets, name);
		return 0;
	}
	set_id = g_strdup_printf("nodes-%s", node->id);
	ia = first_instance_attributes(node->nvsets, set_id);
	pair_id = g_strdup_printf("%s-%s", ia->id, name);
	set(&nvpair_of(ia, name, pair_id)->value, value);
	return 0;
}

int vigil_inject_clear_transient(vigil_inject *in, const char *uname)
{
	inject_node *n;
	unsigned gone = 0;
	int r = node_state(in, uname, &n);

	if (r < 0)
		return r;
	for (guint i = 0; n->st->transient != NULL && i < n->st->transient->len; i++) {
		vigil_nvset *set = g_ptr_array_index(n->st->transient, i);

		gone += set->nvpairs->len;
		g_ptr_array_set_size(set->nvpairs, 0);
	}
	return (int)gone;
}

/* ST's transient attributes, made if it has none. */
static vigil_nvset *transient_set(vigil_node_state *st)
{
	g_autofree char *set_id = g_strdup_printf("status-%s", st->id);
	vigil_nvset *ia;

	st->has_transient = true;
	if (st->transient_id == NULL)
		set(&st->transient_id, st->id);
	ia = first_instance_attributes(st->transient, set_id);
	if (ia->id == NULL)
		set(&ia->id, set_id);
	return ia;
}

int vigil_inject_transient_attr(vigil_inject *in, const char *uname, const char *name,
				const char *value)
{
	g_autofree char *pair_id = NULL;
	inject_node *n;
	vigil_node_state *st;
	vigil_nvset *ia;
	int r = node_state(in, uname, &n);

	if (r < 0)
		return r;
	st = n->st;
	if (value == NULL) {
		bool found = false;

		for (guint i = 0; st->transient != NULL && i < st->transient->len; i++) {
			vigil_nvset *set = g_ptr_array_index(st->transient, i);

			for (guint j = set->nvpairs->len; j > 0; j--) {
				vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j - 1);

				if (g_strcmp0(p->name, name) == 0) {
					g_ptr_array_remove_index(set->nvpairs, j - 1);
					found = true;
				}
			}
		}
		return found ? 0 : -ENODATA;
	}
	pair_id = g_strdup_printf("status-%s-%s", st->id, name);
	ia = transient_set(st);
	set(&nvpair_of(ia, name, pair_id)->value, value);
	return 0;
}

/* Sets RSC's fail-count for KEY_SUFFIX ("monitor_30000") in ST's transient attributes to
 * VALUE, or one more than it was when VALUE is NULL, and its last-failure time to NOW. */
static void set_failcount(vigil_node_state *st, const char *rsc, const char *key_suffix,
			  const char *value, int64_t now)
{
	g_autofree char *fc = g_strdup_printf("fail-count-%s#%s", rsc, key_suffix);
	g_autofree char *lf = g_strdup_printf("last-failure-%s#%s", rsc, key_suffix);
	g_autofree char *when = g_strdup_printf("%lld", (long long)now);
	const char *names[] = { fc, lf };
	vigil_nvset *ia = transient_set(st);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		/* an XML id has no '#': Pacemaker writes '.' there */
		g_autofree char *id = g_strdelimit(g_strdup_printf("status-%s-%s", st->id,
								   names[i]), "#", '.');
		vigil_nvpair *p = nvpair_of(ia, names[i], id);

		if (i == 0 && value != NULL) {
			set(&p->value, value);
		} else if (i == 0) {
			g_autofree char *count = g_strdup_printf("%d", p->value != NULL ?
								 atoi(p->value) + 1 : 1);

			set(&p->value, count);
		} else {
			set(&p->value, when);
		}
	}
}

/* The history of RSC on node N, created from the configured primitive if missing. */
/* The CIB's status arena, where recorded histories go. */
static vigil_arena *status_arena(vigil_inject *in)
{
	if (in->cib->status_arena == NULL)
		in->cib->status_arena = vigil_arena_new();
	return in->cib->status_arena;
}

static int history(vigil_inject *in, inject_node *n, const char *rsc, vigil_lrm_rsc **ret)
{
	vigil_lrm_rsc *lr = *index_slot(&n->histories, rsc);
	vigil_node_state *st = n->st;
	vigil_rsc *prim;

	if (lr == NULL) {
		prim = vigil_cib_find_rsc(in->cib, rsc);
		if (prim == NULL || prim->kind != VIGIL_RSC_PRIMITIVE)
			return -ESRCH;
		st->has_lrm = st->has_lrm_resources = true;
		if (st->lrm_id == NULL)
			set(&st->lrm_id, st->id);
		/* in the status arena, as the status reader makes them: a simulated transition
		 * of a fresh cluster adds one per resource and node */
		lr = vigil_arena_alloc0(status_arena(in), sizeof(*lr));
		lr->in_arena = true;
		lr->ops = VIGIL_PTR_ARRAY(vigil_lrm_op_free);
		lr->id = vigil_arena_strdup(status_arena(in), rsc);
		lr->class_ = vigil_arena_strdup(status_arena(in), prim->class_);
		lr->provider = vigil_arena_strdup(status_arena(in), prim->provider);
		lr->type = vigil_arena_strdup(status_arena(in), prim->type);
		g_ptr_array_add(st->lrm_rscs, lr);
		index_add(&n->histories, lr);
	}
	*ret = lr;
	return 0;
}

static int next_call_id(inject_node *n, const vigil_lrm_rsc *lr)
{
	gpointer last;
	int v = 0;

	if (g_hash_table_lookup_extended(n->calls, lr, NULL, &last)) {
		v = GPOINTER_TO_INT(last);
	} else {
		for (guint i = 0; i < lr->ops->len; i++) {
			const vigil_lrm_op *op = g_ptr_array_index(lr->ops, i);

			v = MAX(v, op->call_id != NULL ? atoi(op->call_id) : 0);
		}
	}
	g_hash_table_insert(n->calls, (gpointer)lr, GINT_TO_POINTER(++v));
	return v;
}

/* The strings of one recorded operation, built into the CIB's status arena (a simulated
 * transition of a big cluster records one per resource and node): first measured, with
 * NULL for END, then written. */
typedef struct op_text {
	char *next;  /* where the next string goes; NULL while measuring */
	size_t size; /* what they all take */
} op_text;

static char *put(op_text *t, const char *const *parts)
{
	char *start = t->next;

	for (size_t i = 0; parts[i] != NULL; i++) {
		size_t n = strlen(parts[i]);

		if (start != NULL) {
			memcpy(t->next, parts[i], n);
			t->next += n;
		}
		t->size += n;
	}
	if (start != NULL)
		*t->next++ = '\0';
	t->size++;
	return start;
}

/* VALUE in decimal into BUF (24 bytes at least), without printf: a big transition records
 * tens of thousands of operations. */
static const char *decimal(char *buf, size_t size, int64_t value)
{
	char *p = buf + size;
	uint64_t v = value < 0 ? -(uint64_t)value : (uint64_t)value;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (value < 0)
		*--p = '-';
	return p;
}

typedef struct op_fields {
	const char *rsc, *task, *iv, *call, *rc, *expected, *when, *uname, *digest, *reason;
} op_fields;

/* Writes F's strings into OP from T->next on; when that is NULL, only measures them. */
static void op_strings(vigil_lrm_op *op, op_text *t, const op_fields *f)
{
	op->operation_key = put(t, (const char *const[]){ f->rsc, "_", f->task, "_", f->iv,
							  NULL });
	op->id = put(t, (const char *const[]){ f->rsc, "_", f->task, "_", f->iv, "_", f->call,
					       NULL });
	op->operation = put(t, (const char *const[]){ f->task, NULL });
	op->interval = put(t, (const char *const[]){ f->iv, NULL });
	op->call_id = put(t, (const char *const[]){ f->call, NULL });
	op->rc_code = put(t, (const char *const[]){ f->rc, NULL });
	op->op_status = put(t, (const char *const[]){ "0", NULL });
	op->transition_key = put(t, (const char *const[]){ "1:1:", f->expected,
							   ":vigil-simulate", NULL });
	op->last_rc_change = put(t, (const char *const[]){ f->when, NULL });
	op->on_node = put(t, (const char *const[]){ f->uname, NULL });
	op->op_digest = f->digest != NULL ? put(t, (const char *const[]){ f->digest, NULL })
					  : NULL;
	op->exit_reason = f->reason != NULL && f->reason[0] != '\0' ?
				  put(t, (const char *const[]){ f->reason, NULL }) : NULL;
}

static vigil_lrm_op *op_new(vigil_inject *in, const char *rsc, const char *task,
			    uint64_t interval_ms, const char *uname, int rc, int expected,
			    int call_id, int64_t now, const char *digest, const char *reason)
{
	char b_iv[24], b_call[24], b_rc[24], b_exp[24], b_when[24];
	const op_fields f = {
		.rsc = rsc, .task = task, .uname = uname, .digest = digest, .reason = reason,
		.iv = decimal(b_iv, sizeof(b_iv), (int64_t)MIN(interval_ms, (uint64_t)G_MAXINT64)),
		.call = decimal(b_call, sizeof(b_call), call_id),
		.rc = decimal(b_rc, sizeof(b_rc), rc),
		.expected = decimal(b_exp, sizeof(b_exp), expected),
		.when = decimal(b_when, sizeof(b_when), now),
	};
	op_text measure = { 0 }, t;
	vigil_lrm_op *op, scratch;

	op_strings(&scratch, &measure, &f);
	/* only the struct zeroed: its strings are written over at once */
	op = vigil_arena_alloc(status_arena(in), sizeof(*op) + measure.size);
	*op = (vigil_lrm_op){ .in_arena = true };
	t = (op_text){ .next = (char *)(op + 1) };
	op_strings(op, &t, &f);
	g_assert(t.size == measure.size);
	vigil_lrm_op_parse_values(op);
	return op;
}

static int inject_op(vigil_inject *in, const char *rsc, const char *task, uint64_t interval_ms,
		     const char *uname, int rc, int64_t now, const char *digest,
		     const char *exit_reason, bool count_failure)
{
	bool probe = interval_ms == 0 && strcmp(task, "monitor") == 0;
	int expected = probe ? 7 : 0;
	inject_node *n;
	vigil_lrm_rsc *lr;
	int call_id, r;

	if ((r = node_state(in, uname, &n)) < 0 || (r = history(in, n, rsc, &lr)) < 0)
		return r;
	call_id = next_call_id(n, lr);
	g_ptr_array_add(lr->ops, op_new(in, rsc, task, interval_ms, uname, rc, expected, call_id,
					now, digest, exit_reason));
	if (count_failure && rc != expected && !(probe && rc == 0)) {
		g_autofree char *suffix = g_strdup_printf("%s_%" G_GUINT64_FORMAT, task,
							  interval_ms);

		set_failcount(n->st, rsc, suffix, NULL, now);
	}
	return 0;
}

int vigil_inject_op(vigil_inject *in, const char *rsc, const char *task, uint64_t interval_ms,
		    const char *uname, int rc, int64_t now, const char *digest,
		    const char *exit_reason)
{
	return inject_op(in, rsc, task, interval_ms, uname, rc, now, digest, exit_reason, true);
}

int vigil_inject_history_op(vigil_inject *in, const char *rsc, const char *task,
			    uint64_t interval_ms, const char *uname, int rc, int64_t now,
			    const char *digest, const char *exit_reason)
{
	return inject_op(in, rsc, task, interval_ms, uname, rc, now, digest, exit_reason, false);
}

int vigil_inject_failcount(vigil_inject *in, const char *uname, const char *rsc,
			   const char *key_suffix, const char *value, int64_t now)
{
	inject_node *n;
	int r;

	if ((r = node_state(in, uname, &n)) < 0)
		return r;
	set_failcount(n->st, rsc, key_suffix, value, now);
	return 0;
}

int vigil_inject_forget(vigil_inject *in, const char *uname)
{
	inject_node *n;
	int r = node_state(in, uname, &n);

	if (r < 0)
		return r;
	/* its history is gone (kept here until the end, for whoever still points at it), and
	 * so is what was indexed of it */
	while (n->st->lrm_rscs->len > 0)
		g_ptr_array_add(in->forgotten, g_ptr_array_steal_index(n->st->lrm_rscs,
								       n->st->lrm_rscs->len - 1));
	if (n->histories.slots != NULL)
		memset(n->histories.slots, 0, n->histories.size * sizeof(*n->histories.slots));
	n->histories.held = 0;
	g_hash_table_remove_all(n->calls);
	return 0;
}

int vigil_inject_forget_rsc(vigil_inject *in, const char *uname, const char *rsc)
{
	inject_node *n;
	int r = node_state(in, uname, &n);
	bool found = false;

	if (r < 0)
		return r;
	for (guint i = n->st->lrm_rscs->len; i-- > 0;) {
		vigil_lrm_rsc *l = g_ptr_array_index(n->st->lrm_rscs, i);

		if (g_strcmp0(l->id, rsc) != 0)
			continue;
		g_hash_table_remove(n->calls, l);
		g_ptr_array_add(in->forgotten, g_ptr_array_steal_index(n->st->lrm_rscs, i));
		found = true;
	}
	if (!found)
		return -ESRCH;
	g_free(n->histories.slots);
	index_histories(n);
	return 0;
}

int vigil_inject_fenced(vigil_inject *in, const char *uname)
{
	int r = vigil_inject_node(in, uname, VIGIL_INJECT_DOWN);

	/* a fenced node runs nothing any more */
	return r < 0 ? r : vigil_inject_forget(in, uname);
}

int vigil_inject_quorum(vigil_inject *in, bool quorum)
{
	set(&in->cib->have_quorum, quorum ? "1" : "0");
	return 0;
}

/* Whether NAME is RSC's fail-count or last-failure attribute ("fail-count-RSC#...").
 * An empty RSC matches every resource's. */
static bool failure_attr_of(const char *name, const char *rsc)
{
	static const char *const prefixes[] = { "fail-count-", "last-failure-" };

	for (size_t i = 0; name != NULL && i < G_N_ELEMENTS(prefixes); i++) {
		size_t p = strlen(prefixes[i]), r = strlen(rsc);

		if (strncmp(name, prefixes[i], p) != 0)
			continue;
		if (r == 0 || (strncmp(name + p, rsc, r) == 0 && name[p + r] == '#'))
			return true;
	}
	return false;
}

unsigned vigil_cib_cleanup(vigil_cib *cib, const char *rsc)
{
	unsigned removed = 0;

	for (guint i = 0; i < cib->node_states->len; i++) {
		vigil_node_state *st = g_ptr_array_index(cib->node_states, i);

		for (guint j = st->lrm_rscs->len; j-- > 0;) {
			const vigil_lrm_rsc *lr = g_ptr_array_index(st->lrm_rscs, j);

			if (rsc[0] == '\0' || g_strcmp0(lr->id, rsc) == 0) {
				g_ptr_array_remove_index(st->lrm_rscs, j);
				removed++;
			}
		}
		for (guint j = 0; st->transient != NULL && j < st->transient->len; j++) {
			vigil_nvset *set = g_ptr_array_index(st->transient, j);

			for (guint k = set->nvpairs->len; k-- > 0;) {
				const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, k);

				if (failure_attr_of(p->name, rsc)) {
					g_ptr_array_remove_index(set->nvpairs, k);
					removed++;
				}
			}
		}
	}
	return removed;
}
