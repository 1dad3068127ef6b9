/* What-ifs for 'vigil simulate': changes to a CIB document's node states, node attributes and
 * operation history, the way crm_simulate's injections make them, so that the scheduler
 * sees the cluster as it would be. Also records a simulated transition's results, for the
 * revised status. Works on the XML document, before it is parsed into the CIB structs. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cli/simulate.h"

struct vigil_inject {
	xmlDoc *doc;
	GHashTable *states;    /* uname -> <node_state> */
	GHashTable *histories; /* "uname\nrsc" -> <lrm_resource> */
	GHashTable *calls;     /* "uname\nrsc" -> highest call-id so far (GINT_TO_POINTER) */
};

vigil_inject *vigil_inject_new(xmlDoc *doc)
{
	vigil_inject *in = g_new0(vigil_inject, 1);

	in->doc = doc;
	in->states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	in->histories = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	in->calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return in;
}

void vigil_inject_free(vigil_inject *in)
{
	if (in == NULL)
		return;
	g_hash_table_unref(in->states);
	g_hash_table_unref(in->histories);
	g_hash_table_unref(in->calls);
	g_free(in);
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static xmlNode *child_or_new(xmlNode *parent, const char *name)
{
	xmlNode *c = child(parent, name);

	return c != NULL ? c : xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

static const char *attr(const xmlNode *n, const char *name)
{
	xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);

	return a != NULL && a->children != NULL ? (const char *)a->children->content : NULL;
}

static void set(xmlNode *n, const char *name, const char *value)
{
	xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNode *child_with_id(xmlNode *parent, const char *name, const char *key,
			      const char *value)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 &&
		    g_strcmp0(attr(c, key), value) == 0)
			return c;
	return NULL;
}

/* The configured <node> named UNAME, or NULL. */
static xmlNode *config_node(xmlDoc *doc, const char *uname)
{
	xmlNode *conf = child(xmlDocGetRootElement(doc), "configuration");
	xmlNode *nodes = conf != NULL ? child(conf, "nodes") : NULL;

	return nodes != NULL ? child_with_id(nodes, "node", "uname", uname) : NULL;
}

/* The <node_state> of UNAME, created (as a node never seen) if missing. */
static int node_state(vigil_inject *in, const char *uname, xmlNode **ret)
{
	xmlDoc *doc = in->doc;
	xmlNode *node, *status, *st = g_hash_table_lookup(in->states, uname);
	const char *id;

	if (st != NULL) {
		*ret = st;
		return 0;
	}
	node = config_node(doc, uname);
	if (node == NULL)
		return -ENOENT;
	id = attr(node, "id");
	status = child_or_new(xmlDocGetRootElement(doc), "status");
	st = child_with_id(status, "node_state", "id", id);
	if (st == NULL) {
		st = xmlNewChild(status, NULL, (const xmlChar *)"node_state", NULL);
		set(st, "id", id);
		set(st, "uname", uname);
	}
	g_hash_table_insert(in->states, g_strdup(uname), st);
	*ret = st;
	return 0;
}

int vigil_inject_node(vigil_inject *in, const char *uname, vigil_inject_node_kind kind)
{
	static const char *const states[][4] = {
		/* in_ccm, crmd, join, expected */
		[VIGIL_INJECT_UP] = { "true", "online", "member", "member" },
		[VIGIL_INJECT_DOWN] = { "false", "offline", "down", "down" },
		[VIGIL_INJECT_FAIL] = { "false", "offline", "down", "member" },
	};
	xmlNode *st;
	int r = node_state(in, uname, &st);

	if (r < 0)
		return r;
	set(st, "in_ccm", states[kind][0]);
	set(st, "crmd", states[kind][1]);
	set(st, "join", states[kind][2]);
	set(st, "expected", states[kind][3]);
	return 0;
}

/* Sets a permanent attribute of node UNAME (what 'pcs node standby' does). */
int vigil_inject_node_attr(vigil_inject *in, const char *uname, const char *name,
			   const char *value)
{
	xmlNode *node = config_node(in->doc, uname), *ia, *nv;
	g_autofree char *ia_id = NULL, *nv_id = NULL;

	if (node == NULL)
		return -ENOENT;
	ia = child(node, "instance_attributes");
	if (ia == NULL) {
		ia_id = g_strdup_printf("nodes-%s", attr(node, "id"));
		ia = xmlNewChild(node, NULL, (const xmlChar *)"instance_attributes", NULL);
		set(ia, "id", ia_id);
	}
	nv = child_with_id(ia, "nvpair", "name", name);
	if (nv == NULL) {
		nv_id = g_strdup_printf("%s-%s", attr(ia, "id"), name);
		nv = xmlNewChild(ia, NULL, (const xmlChar *)"nvpair", NULL);
		set(nv, "id", nv_id);
		set(nv, "name", name);
	}
	set(nv, "value", value);
	return 0;
}

/* The configured primitive RSC (searching groups too), or NULL. */
static xmlNode *config_primitive(xmlNode *parent, const char *rsc)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next) {
		xmlNode *found;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "primitive") == 0 &&
		    g_strcmp0(attr(c, "id"), rsc) == 0)
			return c;
		if (strcmp((const char *)c->name, "group") == 0 &&
		    (found = config_primitive(c, rsc)) != NULL)
			return found;
	}
	return NULL;
}

static int max_call_id(xmlNode *lrm_rsc)
{
	int max = 0;

	for (xmlNode *c = lrm_rsc->children; c != NULL; c = c->next) {
		const char *v = c->type == XML_ELEMENT_NODE ? attr(c, "call-id") : NULL;

		if (v != NULL && atoi(v) > max)
			max = atoi(v);
	}
	return max;
}

static void bump_failcount(xmlNode *st, const char *rsc, const char *key_suffix, int64_t now)
{
	xmlNode *ta = child_or_new(st, "transient_attributes"), *ia, *nv;
	g_autofree char *fc = g_strdup_printf("fail-count-%s#%s", rsc, key_suffix);
	g_autofree char *lf = g_strdup_printf("last-failure-%s#%s", rsc, key_suffix);
	g_autofree char *when = g_strdup_printf("%lld", (long long)now);
	const char *names[] = { fc, lf };

	if (attr(ta, "id") == NULL)
		set(ta, "id", attr(st, "id"));
	ia = child_or_new(ta, "instance_attributes");
	if (attr(ia, "id") == NULL) {
		g_autofree char *id = g_strdup_printf("status-%s", attr(st, "id"));

		set(ia, "id", id);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *id = g_strdup_printf("status-%s-%s", attr(st, "id"), names[i]);
		g_autofree char *value = NULL;

		nv = child_with_id(ia, "nvpair", "name", names[i]);
		if (nv == NULL) {
			nv = xmlNewChild(ia, NULL, (const xmlChar *)"nvpair", NULL);
			set(nv, "id", id);
			set(nv, "name", names[i]);
		}
		if (i == 0) {
			const char *old = attr(nv, "value");

			value = g_strdup_printf("%d", old != NULL ? atoi(old) + 1 : 1);
		}
		set(nv, "value", i == 0 ? value : when);
	}
}

int vigil_inject_op(vigil_inject *in, const char *rsc, const char *task, uint64_t interval_ms,
		    const char *uname, int rc, int64_t now, const char *digest)
{
	xmlNode *conf = child(xmlDocGetRootElement(in->doc), "configuration");
	xmlNode *resources = conf != NULL ? child(conf, "resources") : NULL;
	xmlNode *prim = NULL;
	xmlNode *st, *lrm, *lrs, *lr, *op;
	g_autofree char *hkey = g_strdup_printf("%s\n%s", uname, rsc);
	int call_id;
	g_autofree char *key = g_strdup_printf("%s_%s_%llu", rsc, task,
					       (unsigned long long)interval_ms);
	g_autofree char *suffix = g_strdup_printf("%s_%llu", task, (unsigned long long)interval_ms);
	g_autofree char *call = NULL, *rc_s = g_strdup_printf("%d", rc), *tkey = NULL;
	g_autofree char *iv = g_strdup_printf("%llu", (unsigned long long)interval_ms);
	g_autofree char *when = g_strdup_printf("%lld", (long long)now);
	bool probe = interval_ms == 0 && strcmp(task, "monitor") == 0;
	int expected = probe ? 7 : 0;
	int r;

	r = node_state(in, uname, &st);
	if (r < 0)
		return r;
	lr = g_hash_table_lookup(in->histories, hkey);
	if (lr == NULL) {
		lrm = child_or_new(st, "lrm");
		if (attr(lrm, "id") == NULL)
			set(lrm, "id", attr(st, "id"));
		lrs = child_or_new(lrm, "lrm_resources");
		lr = child_with_id(lrs, "lrm_resource", "id", rsc);
	}
	if (lr == NULL) {
		prim = resources != NULL ? config_primitive(resources, rsc) : NULL;
		if (prim == NULL)
			return -ESRCH;
		lr = xmlNewChild(lrs, NULL, (const xmlChar *)"lrm_resource", NULL);
		set(lr, "id", rsc);
		set(lr, "class", attr(prim, "class"));
		if (attr(prim, "provider") != NULL)
			set(lr, "provider", attr(prim, "provider"));
		set(lr, "type", attr(prim, "type"));
	}
	if (!g_hash_table_contains(in->histories, hkey))
		g_hash_table_insert(in->histories, g_strdup(hkey), lr);
	call_id = g_hash_table_contains(in->calls, hkey) ?
		  GPOINTER_TO_INT(g_hash_table_lookup(in->calls, hkey)) : max_call_id(lr);
	call_id++;
	g_hash_table_insert(in->calls, g_strdup(hkey), GINT_TO_POINTER(call_id));
	call = g_strdup_printf("%d", call_id);
	tkey = g_strdup_printf("1:1:%d:vigil-simulate", expected);
	op = xmlNewChild(lr, NULL, (const xmlChar *)"lrm_rsc_op", NULL);
	{
		g_autofree char *id = g_strdup_printf("%s_%s", key, call);

		set(op, "id", id);
	}
	set(op, "operation_key", key);
	set(op, "operation", task);
	set(op, "interval", iv);
	set(op, "call-id", call);
	set(op, "rc-code", rc_s);
	set(op, "op-status", "0");
	set(op, "transition-key", tkey);
	set(op, "last-rc-change", when);
	set(op, "on_node", uname);
	if (digest != NULL)
		set(op, "op-digest", digest);
	if (rc != expected && !(probe && rc == 0))
		bump_failcount(st, rsc, suffix, now);
	return 0;
}

int vigil_inject_fenced(vigil_inject *in, const char *uname)
{
	xmlNode *st, *lrm;
	int r = vigil_inject_node(in, uname, VIGIL_INJECT_DOWN);

	if (r < 0)
		return r;
	node_state(in, uname, &st);
	/* a fenced node runs nothing any more: its history is gone */
	lrm = child(st, "lrm");
	if (lrm != NULL) {
		xmlNode *lrs = child(lrm, "lrm_resources");

		while (lrs != NULL && lrs->children != NULL) {
			xmlNode *c = lrs->children;

			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	/* forget the indexed histories of that node: they are gone */
	g_hash_table_remove_all(in->histories);
	g_hash_table_remove_all(in->calls);
	return 0;
}

int vigil_inject_quorum(vigil_inject *in, bool quorum)
{
	set(xmlDocGetRootElement(in->doc), "have-quorum", quorum ? "1" : "0");
	return 0;
}
