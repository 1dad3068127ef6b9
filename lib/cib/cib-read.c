/* XML -> structs. The document has passed the schema before any of this runs, so the
 * walk only sorts children into their places; whatever it does not know is kept. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "cib/cib-private.h"
#include "cib/schema.h"
#include "common/arena.h"

#define for_each_element(child, parent) \
	for (xmlNode *child = xmlFirstElementChild((xmlNode *)(parent)); child != NULL; \
	     child = xmlNextElementSibling(child))

static const vigil_field id_field[] = { { "id", 0 }, VIGIL_FIELD_END };

static unsigned line_of(const xmlNode *node)
{
	long l = xmlGetLineNo(node);

	return l > 0 ? (unsigned)l : 0;
}

static vigil_rule *read_rule(const xmlNode *node);

static vigil_expr *read_expr(const xmlNode *node)
{
	vigil_expr *e = g_new0(vigil_expr, 1);

	vigil_fields_read(e, vigil_expr_fields, node, &e->extra);
	for_each_element(c, node)
		vigil_extra_keep_child(&e->extra, c);
	e->line = line_of(node);
	return e;
}

static vigil_rule *read_rule(const xmlNode *node)
{
	vigil_rule *r = g_new0(vigil_rule, 1);

	r->exprs = VIGIL_PTR_ARRAY(vigil_expr_free);
	r->rules = VIGIL_PTR_ARRAY(vigil_rule_free);
	r->line = line_of(node);
	vigil_fields_read(r, vigil_rule_fields, node, &r->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "expression"))
			g_ptr_array_add(r->exprs, read_expr(c));
		else if (vigil_xml_is(c, "rule"))
			g_ptr_array_add(r->rules, read_rule(c));
		else
			vigil_extra_keep_child(&r->extra, c);
	}
	return r;
}

static vigil_nvpair *read_nvpair(const xmlNode *node)
{
	vigil_nvpair *p = g_new0(vigil_nvpair, 1);

	vigil_fields_read(p, vigil_nvpair_fields, node, &p->extra);
	for_each_element(c, node)
		vigil_extra_keep_child(&p->extra, c);
	p->line = line_of(node);
	return p;
}

static vigil_nvset *read_nvset(const xmlNode *node)
{
	vigil_nvset *s = g_new0(vigil_nvset, 1);

	s->element = g_strdup(vigil_xml_name(node));
	s->nvpairs = VIGIL_PTR_ARRAY(vigil_nvpair_free);
	s->line = line_of(node);
	vigil_fields_read(s, vigil_nvset_fields, node, &s->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "nvpair"))
			g_ptr_array_add(s->nvpairs, read_nvpair(c));
		else if (vigil_xml_is(c, "rule") && s->rule == NULL)
			s->rule = read_rule(c);
		else
			vigil_extra_keep_child(&s->extra, c);
	}
	return s;
}

static bool is_nvset(const xmlNode *node)
{
	return vigil_xml_is(node, "instance_attributes") || vigil_xml_is(node, "meta_attributes") ||
	       vigil_xml_is(node, "utilization") || vigil_xml_is(node, "cluster_property_set");
}

/* Reads every child of NODE that is an nvset of kind ELEMENT (any kind if NULL) into SETS. */
static void read_nvsets(const xmlNode *node, const char *element, GPtrArray *sets,
			vigil_extra *extra)
{
	for_each_element(c, node) {
		if (element != NULL ? vigil_xml_is(c, element) : is_nvset(c))
			g_ptr_array_add(sets, read_nvset(c));
		else
			vigil_extra_keep_child(extra, c);
	}
}

static vigil_node *read_node(const xmlNode *node)
{
	vigil_node *n = g_new0(vigil_node, 1);

	n->nvsets = VIGIL_PTR_ARRAY(vigil_nvset_free);
	n->line = line_of(node);
	vigil_fields_read(n, vigil_node_fields, node, &n->extra);
	read_nvsets(node, NULL, n->nvsets, &n->extra);
	return n;
}

static vigil_op *read_op(const xmlNode *node)
{
	vigil_op *op = g_new0(vigil_op, 1);

	op->nvsets = VIGIL_PTR_ARRAY(vigil_nvset_free);
	op->line = line_of(node);
	vigil_fields_read(op, vigil_op_fields, node, &op->extra);
	read_nvsets(node, NULL, op->nvsets, &op->extra);
	return op;
}

static vigil_rsc *rsc_new(vigil_rsc_kind kind, const xmlNode *node)
{
	vigil_rsc *rsc = g_new0(vigil_rsc, 1);

	rsc->kind = kind;
	rsc->element = g_strdup(vigil_xml_name(node));
	rsc->ops = VIGIL_PTR_ARRAY(vigil_op_free);
	rsc->members = g_ptr_array_new(); /* borrowed: owned by the group's free below */
	rsc->nvsets = VIGIL_PTR_ARRAY(vigil_nvset_free);
	rsc->line = line_of(node);
	return rsc;
}

static void read_operations(vigil_rsc *rsc, const xmlNode *node)
{
	rsc->has_operations = true;
	vigil_fields_read(&rsc->operations_id, id_field, node, &rsc->operations_extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "op"))
			g_ptr_array_add(rsc->ops, read_op(c));
		else
			vigil_extra_keep_child(&rsc->operations_extra, c);
	}
}

static vigil_rsc *read_primitive(const xmlNode *node)
{
	vigil_rsc *rsc = rsc_new(VIGIL_RSC_PRIMITIVE, node);

	vigil_fields_read(rsc, vigil_primitive_fields, node, &rsc->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "operations") && !rsc->has_operations)
			read_operations(rsc, c);
		else if (is_nvset(c))
			g_ptr_array_add(rsc->nvsets, read_nvset(c));
		else
			vigil_extra_keep_child(&rsc->extra, c);
	}
	return rsc;
}

static vigil_rsc *read_group(const xmlNode *node)
{
	vigil_rsc *g = rsc_new(VIGIL_RSC_GROUP, node);

	g_ptr_array_set_free_func(g->members, (GDestroyNotify)vigil_rsc_free);
	vigil_fields_read(g, vigil_group_fields, node, &g->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "primitive")) {
			vigil_rsc *m = read_primitive(c);

			m->parent = g;
			g_ptr_array_add(g->members, m);
		} else if (is_nvset(c)) {
			g_ptr_array_add(g->nvsets, read_nvset(c));
		} else {
			vigil_extra_keep_child(&g->extra, c);
		}
	}
	return g;
}

static vigil_rsc *read_other_rsc(const xmlNode *node)
{
	vigil_rsc *rsc = rsc_new(VIGIL_RSC_OTHER, node);

	rsc->id = vigil_xml_get(node, "id");
	rsc->raw = vigil_xml_copy(node);
	return rsc;
}

/* Indexes RSC (and a group's members) by id; the first of duplicate ids wins. */
static void index_rsc(vigil_cib *cib, vigil_rsc *rsc)
{
	if (rsc->id != NULL && !g_hash_table_contains(cib->rsc_index, rsc->id))
		g_hash_table_insert(cib->rsc_index, rsc->id, rsc);
	for (guint i = 0; i < rsc->members->len; i++)
		index_rsc(cib, g_ptr_array_index(rsc->members, i));
}

static void read_resources(vigil_cib *cib, const xmlNode *node)
{
	for_each_element(c, node) {
		vigil_rsc *rsc;

		if (vigil_xml_is(c, "primitive"))
			rsc = read_primitive(c);
		else if (vigil_xml_is(c, "group"))
			rsc = read_group(c);
		else
			rsc = read_other_rsc(c);
		g_ptr_array_add(cib->resources, rsc);
		if (rsc->kind != VIGIL_RSC_OTHER)
			index_rsc(cib, rsc);
	}
}

static vigil_constraint *read_constraint(const xmlNode *node)
{
	vigil_constraint *c = g_new0(vigil_constraint, 1);

	c->element = g_strdup(vigil_xml_name(node));
	c->rules = VIGIL_PTR_ARRAY(vigil_rule_free);
	c->line = line_of(node);
	if (vigil_xml_is(node, "rsc_location"))
		c->kind = VIGIL_CONS_LOCATION;
	else if (vigil_xml_is(node, "rsc_colocation"))
		c->kind = VIGIL_CONS_COLOCATION;
	else if (vigil_xml_is(node, "rsc_order"))
		c->kind = VIGIL_CONS_ORDER;
	else
		c->kind = VIGIL_CONS_OTHER;
	if (c->kind == VIGIL_CONS_OTHER) {
		c->id = vigil_xml_get(node, "id");
		c->raw = vigil_xml_copy(node);
		return c;
	}
	vigil_fields_read(c, vigil_constraint_fields, node, &c->extra);
	for_each_element(child, node) {
		if (c->kind == VIGIL_CONS_LOCATION && vigil_xml_is(child, "rule"))
			g_ptr_array_add(c->rules, read_rule(child));
		else
			vigil_extra_keep_child(&c->extra, child);
	}
	return c;
}

static const vigil_field no_fields[] = { VIGIL_FIELD_END };

/* A section element's own attributes, which the schema does not allow but "none" might. */
static void read_section_attrs(const xmlNode *node, vigil_extra *extra)
{
	vigil_fields_read(NULL, no_fields, node, extra);
}

static void read_nodes(vigil_cib *cib, const xmlNode *node)
{
	read_section_attrs(node, &cib->nodes_extra);
	for_each_element(n, node) {
		if (vigil_xml_is(n, "node"))
			g_ptr_array_add(cib->nodes, read_node(n));
		else
			vigil_extra_keep_child(&cib->nodes_extra, n);
	}
}

static void read_configuration(vigil_cib *cib, const xmlNode *node)
{
	cib->has_configuration = true;
	read_section_attrs(node, &cib->configuration_extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "crm_config")) {
			cib->has_crm_config = true;
			read_section_attrs(c, &cib->crm_config_extra);
			read_nvsets(c, "cluster_property_set", cib->crm_config,
				    &cib->crm_config_extra);
		} else if (vigil_xml_is(c, "nodes")) {
			cib->has_nodes = true;
			read_nodes(cib, c);
		} else if (vigil_xml_is(c, "resources")) {
			cib->has_resources = true;
			read_section_attrs(c, &cib->resources_extra);
			read_resources(cib, c);
		} else if (vigil_xml_is(c, "constraints")) {
			cib->has_constraints = true;
			read_section_attrs(c, &cib->constraints_extra);
			for_each_element(k, c)
				g_ptr_array_add(cib->constraints, read_constraint(k));
		} else if (vigil_xml_is(c, "rsc_defaults")) {
			cib->has_rsc_defaults = true;
			read_section_attrs(c, &cib->rsc_defaults_extra);
			read_nvsets(c, NULL, cib->rsc_defaults, &cib->rsc_defaults_extra);
		} else if (vigil_xml_is(c, "op_defaults")) {
			cib->has_op_defaults = true;
			read_section_attrs(c, &cib->op_defaults_extra);
			read_nvsets(c, NULL, cib->op_defaults, &cib->op_defaults_extra);
		} else {
			vigil_extra_keep_child(&cib->configuration_extra, c);
		}
	}
}

/* --- status ---------------------------------------------------------------------------- */

/* g_ascii_isdigit() without its table: these run for every value of every operation */
static bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Inline: it runs for five values of each of a status section's dozen thousand operations. */
static inline int64_t parse_int(const char *s)
{
	char *end = NULL;
	long long v;
	int64_t fast = 0;
	size_t n;

	if (s == NULL || *s == '\0')
		return -1;
	/* plain digits (nearly every value in a status section) without strtoll */
	for (n = 0; n < 18 && is_digit(s[n]); n++)
		fast = fast * 10 + (s[n] - '0');
	if (s[n] == '\0')
		return fast;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0)
		return -1;
	return v;
}

/* The value of the N digits at S (N <= 9, so no overflow), or -1 if S has anything else. */
static int small_digits(const char *s, size_t n)
{
	int v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The exit code the cluster expected, from transition-key "ACTION:GRAPH:TARGET_RC:UUID". */
static int parse_target_rc(const vigil_lrm_op *op)
{
	const char *field = NULL, *colon = NULL;
	g_autofree char *long_text = NULL;
	char buf[32], *text = buf, *end = NULL;
	unsigned colons = 0;
	long v;
	int fast;

	if (op->transition_key == NULL)
		return -1;
	/* the third field: between the second and the third colon */
	for (const char *c = op->transition_key; *c != '\0' && colons < 3; c++) {
		if (*c != ':')
			continue;
		if (++colons == 2)
			field = c + 1;
		colon = c;
	}
	if (colons < 3)
		return -1;
	/* plain digits (as every writer has them) without strtol */
	if ((fast = small_digits(field, (size_t)(colon - field))) >= 0)
		return fast;
	/* anything else read whole, as strtol on it alone would ("" is 0) */
	if ((size_t)(colon - field) < sizeof(buf))
		g_strlcpy(buf, field, (gsize)(colon - field) + 1);
	else
		text = long_text = g_strndup(field, (gsize)(colon - field));
	v = strtol(text, &end, 10);
	return *end == '\0' ? (int)v : -1;
}

void vigil_lrm_op_parse_values(vigil_lrm_op *op)
{
	int64_t v;

	v = parse_int(op->call_id);
	op->call_id_v = v > G_MAXINT ? -1 : (int)v;
	v = parse_int(op->rc_code);
	op->rc_code_v = v > G_MAXINT ? -1 : (int)v;
	v = parse_int(op->op_status);
	op->op_status_v = v > G_MAXINT ? -1 : (int)v;
	op->interval_ms_v = parse_int(op->interval);
	op->last_rc_change_v = parse_int(op->last_rc_change);
	op->target_rc_v = parse_target_rc(op);
}

static vigil_lrm_op *read_lrm_op(const xmlNode *node)
{
	vigil_lrm_op *op = g_new0(vigil_lrm_op, 1);

	vigil_fields_read(op, vigil_lrm_op_fields, node, &op->extra);
	for_each_element(c, node)
		vigil_extra_keep_child(&op->extra, c);
	vigil_lrm_op_parse_values(op);
	return op;
}

static vigil_lrm_rsc *read_lrm_rsc(const xmlNode *node)
{
	vigil_lrm_rsc *r = g_new0(vigil_lrm_rsc, 1);

	r->ops = VIGIL_PTR_ARRAY(vigil_lrm_op_free);
	vigil_fields_read(r, vigil_lrm_rsc_fields, node, &r->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "lrm_rsc_op"))
			g_ptr_array_add(r->ops, read_lrm_op(c));
		else
			vigil_extra_keep_child(&r->extra, c);
	}
	return r;
}

static void read_lrm(vigil_node_state *ns, const xmlNode *node)
{
	ns->has_lrm = true;
	vigil_fields_read(&ns->lrm_id, id_field, node, &ns->lrm_extra);
	for_each_element(c, node) {
		if (!vigil_xml_is(c, "lrm_resources") || ns->has_lrm_resources) {
			vigil_extra_keep_child(&ns->lrm_extra, c);
			continue;
		}
		ns->has_lrm_resources = true;
		vigil_fields_read(&ns->lrm_resources_id, id_field, c, &ns->lrm_resources_extra);
		for_each_element(r, c) {
			if (vigil_xml_is(r, "lrm_resource"))
				g_ptr_array_add(ns->lrm_rscs, read_lrm_rsc(r));
			else
				vigil_extra_keep_child(&ns->lrm_resources_extra, r);
		}
	}
}

static void read_transient(vigil_node_state *ns, const xmlNode *node)
{
	ns->has_transient = true;
	vigil_fields_read(&ns->transient_id, id_field, node, &ns->transient_extra);
	read_nvsets(node, "instance_attributes", ns->transient, &ns->transient_extra);
}

static vigil_node_state *read_node_state(const xmlNode *node)
{
	vigil_node_state *ns = g_new0(vigil_node_state, 1);

	ns->lrm_rscs = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
	ns->transient = VIGIL_PTR_ARRAY(vigil_nvset_free);
	vigil_fields_read(ns, vigil_node_state_fields, node, &ns->extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "lrm") && !ns->has_lrm)
			read_lrm(ns, c);
		else if (vigil_xml_is(c, "transient_attributes") && !ns->has_transient)
			read_transient(ns, c);
		else
			vigil_extra_keep_child(&ns->extra, c);
	}
	return ns;
}

static void read_status(vigil_cib *cib, const xmlNode *node)
{
	cib->has_status = true;
	read_section_attrs(node, &cib->status_extra);
	for_each_element(c, node) {
		if (vigil_xml_is(c, "node_state"))
			g_ptr_array_add(cib->node_states, read_node_state(c));
		else
			vigil_extra_keep_child(&cib->status_extra, c);
	}
}

/* --- the document ---------------------------------------------------------------------- */

static int read_version(vigil_cib *cib, const xmlNode *root, GPtrArray *diags)
{
	static const char *const names[] = { "admin_epoch", "epoch", "num_updates" };
	uint64_t *slots[] = { &cib->version.admin_epoch, &cib->version.epoch,
			      &cib->version.num_updates };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *v = vigil_xml_get(root, names[i]);
		int64_t n = parse_int(v);

		if (v == NULL) {
			vigil_diag_add(diags, VIGIL_ERROR, line_of(root), "cib",
				       "<cib> lacks the version attribute '%s'; add %s=\"0\".",
				       names[i], names[i]);
			return -EPROTO;
		}
		if (n < 0) {
			vigil_diag_add(diags, VIGIL_ERROR, line_of(root), "cib",
				       "Attribute '%s' of <cib> must be a non-negative integer, "
				       "not '%s'.", names[i], v);
			return -EPROTO;
		}
		*slots[i] = (uint64_t)n;
	}
	return 0;
}

static bool is_version_attr(const char *name)
{
	return strcmp(name, "admin_epoch") == 0 || strcmp(name, "epoch") == 0 ||
	       strcmp(name, "num_updates") == 0;
}

static int read_cib(const xmlDoc *doc, GPtrArray *diags, vigil_cib **ret_cib)
{
	g_autoptr(vigil_cib) cib = vigil_cib_new();
	const xmlNode *root = xmlDocGetRootElement(doc);
	int r;

	r = read_version(cib, root, diags);
	if (r < 0)
		return r;
	vigil_fields_read(cib, vigil_cib_fields, root, &cib->extra);
	/* sections exist as the document has them */
	cib->has_configuration = cib->has_crm_config = cib->has_nodes = false;
	cib->has_resources = cib->has_constraints = false;
	/* the version attributes are typed; drop their string copies from 'extra' */
	for (guint i = 0; cib->extra.attrs != NULL && i < cib->extra.attrs->len; ) {
		const vigil_xattr *a = g_ptr_array_index(cib->extra.attrs, i);

		if (is_version_attr(a->name))
			g_ptr_array_remove_index(cib->extra.attrs, i);
		else
			i++;
	}
	for_each_element(c, root) {
		if (vigil_xml_is(c, "configuration"))
			read_configuration(cib, c);
		else if (vigil_xml_is(c, "status"))
			read_status(cib, c);
		else
			vigil_extra_keep_child(&cib->extra, c);
	}
	*ret_cib = g_steal_pointer(&cib);
	return 0;
}

/* Keeps the first parse error: later ones are usually consequences of it. */
static void keep_first_error(void *data, const xmlError *e)
{
	xmlError *first = data;

	if (first->code == XML_ERR_OK)
		xmlCopyError((xmlError *)e, first);
}

static void diag_from_xml_error(GPtrArray *diags, const xmlError *e, const char *name)
{
	g_autofree char *msg = g_strstrip(g_strdup(e != NULL && e->message ? e->message :
						   "unknown parse error"));

	vigil_diag_add(diags, VIGIL_ERROR, e != NULL && e->line > 0 ? (unsigned)e->line : 0,
		       NULL, "%s is not well-formed XML: %s.", name, msg);
}

/* Does any element at or below NODE hold text? No CIB element carries any. */
static const xmlNode *find_text(const xmlNode *node)
{
	for (; node != NULL; node = node->next) {
		const xmlNode *t;

		if (node->type == XML_TEXT_NODE && !xmlIsBlankNode((xmlNode *)node))
			return node;
		if (node->type == XML_ELEMENT_NODE && (t = find_text(node->children)) != NULL)
			return t;
	}
	return NULL;
}

/* Does any element or attribute at or below NODE declare or use a namespace? */
static bool uses_namespaces(const xmlNode *node)
{
	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (node->ns != NULL || node->nsDef != NULL)
			return true;
		for (const xmlAttr *a = node->properties; a != NULL; a = a->next)
			if (a->ns != NULL)
				return true;
		if (uses_namespaces(node->children))
			return true;
	}
	return false;
}

static int parse_general(const char *data, size_t len, const char *name, bool validate,
			 GPtrArray *diags, vigil_cib **ret_cib)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	GThread *compiling = NULL;
	int r;

	if (len > INT_MAX)
		return -EFBIG;
	xmlError first = { 0 };

	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return -ENOMEM;
	if (validate)
		compiling = vigil_schema_compile_start();
	xmlSetStructuredErrorFunc(&first, (xmlStructuredErrorFunc)keep_first_error);
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS | XML_PARSE_BIG_LINES);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || !ctxt->wellFormed) {
		diag_from_xml_error(diags, first.code != XML_ERR_OK ? &first :
				    xmlCtxtGetLastError(ctxt), name);
		r = -EBADMSG;
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		vigil_diag_add(diags, VIGIL_ERROR, 1, NULL,
			       "%s declares a DOCTYPE, which a CIB never has (and which could expand "
			       "entities); remove the <!DOCTYPE ...> line.", name);
		r = -EBADMSG;
	} else if (uses_namespaces(xmlDocGetRootElement(doc))) {
		vigil_diag_add(diags, VIGIL_ERROR, 0, NULL, "%s uses XML namespaces, which are "
			       "not part of a CIB; remove the xmlns declarations and prefixes.", name);
		r = -EPROTO;
	} else if (find_text(xmlDocGetRootElement(doc)) != NULL) {
		const xmlNode *t = find_text(xmlDocGetRootElement(doc));

		vigil_diag_add(diags, VIGIL_ERROR, line_of(t->parent), vigil_xml_name(t->parent),
			       "<%s> holds text, which no CIB element has; remove it.",
			       vigil_xml_name(t->parent));
		r = -EPROTO;
	} else if (!vigil_xml_is(xmlDocGetRootElement(doc), "cib")) {
		vigil_diag_add(diags, VIGIL_ERROR, line_of(xmlDocGetRootElement(doc)), NULL,
			       "%s is not a CIB: its top element is <%s>, not <cib>.", name,
			       vigil_xml_name(xmlDocGetRootElement(doc)));
		r = -EPROTO;
	} else {
		r = validate ? vigil_schema_validate(doc, diags) : 0;
		if (r == 0)
			r = read_cib(doc, diags, ret_cib);
	}
	if (compiling != NULL)
		g_thread_join(compiling);
	xmlResetError(&first);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

static int file_error_to_errno(const GError *err)
{
	if (err->domain != G_FILE_ERROR)
		return -EIO;
	switch (err->code) {
	case G_FILE_ERROR_NOENT: return -ENOENT;
	case G_FILE_ERROR_ACCES: return -EACCES;
	case G_FILE_ERROR_ISDIR: return -EISDIR;
	case G_FILE_ERROR_NOMEM: return -ENOMEM;
	default: return -EIO;
	}
}

/* The configuration the general way, the status by status-read.c, one after the other. */
static int parse_sequential(const char *data, size_t len, const char *name, bool validate,
			    GPtrArray *diags, vigil_cib **ret_cib)
{
	g_autoptr(vigil_arena) arena = NULL; /* after the states that point into it */
	g_autoptr(GPtrArray) states = NULL;
	g_autofree char *reduced = NULL;
	vigil_status_span span;
	size_t reduced_len = 0;
	int r;

	if (vigil_status_fast_read(data, len, &span, &states, &arena) < 0)
		return parse_general(data, len, name, validate, diags, ret_cib);
	reduced = vigil_status_reduced_doc(data, &span, &reduced_len);
	r = parse_general(reduced, reduced_len, name, validate, diags, ret_cib);
	if (r < 0)
		return r;
	g_ptr_array_extend_and_steal((*ret_cib)->node_states, g_steal_pointer(&states));
	(*ret_cib)->status_arena = g_steal_pointer(&arena);
	return 0;
}

/* The rest of the document, parsed and validated by libxml2 in a thread of its own. */
typedef struct config_job {
	char *doc;
	size_t len;
	const char *name;
	bool validate;
	GPtrArray *diags;
	vigil_cib *cib;
	int r;
} config_job;

static gpointer config_job_run(gpointer data)
{
	config_job *job = data;

	job->r = parse_general(job->doc, job->len, job->name, job->validate, job->diags,
			       &job->cib);
	return NULL;
}

static void config_job_clear(config_job *job)
{
	g_clear_pointer(&job->doc, g_free);
	g_clear_pointer(&job->diags, g_ptr_array_unref);
	g_clear_pointer(&job->cib, vigil_cib_free);
}

bool vigil_status_span_equal(const vigil_status_span *a, const vigil_status_span *b)
{
	return a->start == b->start && a->end == b->end && a->lines == b->lines &&
	       a->doc_len == b->doc_len;
}

/* Both readers at once, libxml2 on the status span GUESS: on two cores the configuration
 * costs no wall time beside a big status. Only the status reader's span decides; when the
 * guess was wrong (a "<status" in a comment, say) or the status needs the general reader,
 * the thread's work is thrown away and the document read one reader after the other, so
 * the result never depends on the guess. */
static int parse_parallel(const char *data, size_t len, const char *name, bool validate,
			  const vigil_status_span *guess, GPtrArray *diags, vigil_cib **ret_cib)
{
	g_autoptr(vigil_arena) arena = NULL;
	g_autoptr(GPtrArray) states = NULL;
	config_job job = { .name = name, .validate = validate,
			   .diags = vigil_diags_new() };
	vigil_status_span span;
	GThread *thread;
	int r;

	job.doc = vigil_status_reduced_doc(data, guess, &job.len);
	xmlInitParser(); /* once, before libxml2 is used from a second thread */
	thread = g_thread_try_new("vigil-cib-read", config_job_run, &job, NULL);
	if (thread == NULL)
		config_job_run(&job);
	r = vigil_status_fast_read(data, len, &span, &states, &arena);
	if (thread != NULL)
		g_thread_join(thread);
	if (r < 0 || !vigil_status_span_equal(&span, guess)) {
		config_job_clear(&job);
		return parse_sequential(data, len, name, validate, diags, ret_cib);
	}
	g_ptr_array_extend_and_steal(diags, g_steal_pointer(&job.diags));
	r = job.r;
	if (r == 0) {
		g_ptr_array_extend_and_steal(job.cib->node_states, g_steal_pointer(&states));
		job.cib->status_arena = g_steal_pointer(&arena);
		*ret_cib = g_steal_pointer(&job.cib);
	}
	config_job_clear(&job);
	return r;
}

/* The newlines in DATA[START, END). */
static size_t count_lines(const char *data, size_t start, size_t end)
{
	size_t n = 0;

	for (const char *p = data + start, *e = data + end;
	     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		n++;
	return n;
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool vigil_status_guess_span(const char *data, size_t len, vigil_status_span *ret)
{
	const char *end = data + len, *open = data, *close, *gt;

	/* the first "<status>" or "<status ...>" */
	for (;; open += 7) {
		open = memmem(open, (size_t)(end - open), "<status", 7);
		if (open == NULL)
			return false;
		if (open + 7 < end && (open[7] == '>' || is_xml_space(open[7])))
			break;
	}
	gt = memchr(open, '>', (size_t)(end - open));
	if (gt == NULL || gt[-1] == '/')
		return false;
	/* the last "</status" */
	for (close = end; ; close--) {
		close = memrchr(gt, '<', (size_t)(close - gt));
		if (close == NULL)
			return false;
		if ((size_t)(end - close) >= 8 && memcmp(close, "</status", 8) == 0)
			break;
	}
	*ret = (vigil_status_span){ .start = (size_t)(gt + 1 - data),
				    .end = (size_t)(close - data), .doc_len = len };
	ret->lines = count_lines(data, ret->start, ret->end);
	return true;
}

int vigil_cib_parse_flags(const char *data, size_t len, const char *name, unsigned flags,
			  GPtrArray *diags, vigil_cib **ret_cib)
{
	bool validate = !(flags & VIGIL_CIB_PARSE_NO_VALIDATE);
	vigil_status_span guess;

	if (flags & VIGIL_CIB_PARSE_GENERAL_ONLY)
		return parse_general(data, len, name, validate, diags, ret_cib);
	/* a thread pays off only beside a status that takes a while to read */
	if (!(flags & VIGIL_CIB_PARSE_SEQUENTIAL) && vigil_status_guess_span(data, len, &guess) &&
	    (guess.end - guess.start >= VIGIL_CIB_PARALLEL_MIN_STATUS ||
	     (flags & VIGIL_CIB_PARSE_PARALLEL)))
		return parse_parallel(data, len, name, validate, &guess, diags, ret_cib);
	return parse_sequential(data, len, name, validate, diags, ret_cib);
}

int vigil_cib_parse(const char *data, size_t len, const char *name, GPtrArray *diags,
		    vigil_cib **ret_cib)
{
	return vigil_cib_parse_flags(data, len, name, 0, diags, ret_cib);
}

int vigil_cib_parse_unvalidated(const char *data, size_t len, const char *name,
				GPtrArray *diags, vigil_cib **ret_cib)
{
	return vigil_cib_parse_flags(data, len, name, VIGIL_CIB_PARSE_NO_VALIDATE, diags,
				     ret_cib);
}

int vigil_cib_load_file(const char *path, GPtrArray *diags, vigil_cib **ret_cib)
{
	g_autoptr(GMappedFile) map = NULL;
	g_autoptr(GError) err = NULL;
	const char *data;

	/* mapped, not copied: a running cluster's CIB is tens of megabytes */
	map = g_mapped_file_new(path, FALSE, &err);
	if (map == NULL) {
		vigil_diag_add(diags, VIGIL_ERROR, 0, NULL, "%s.", err->message);
		return file_error_to_errno(err);
	}
	data = g_mapped_file_get_contents(map);
	return vigil_cib_parse(data != NULL ? data : "", g_mapped_file_get_length(map), path, diags,
			       ret_cib);
}
