/* structs -> XML. Every kept attribute and element goes back where it came from. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <libxml/tree.h>

#include "cib/cib-private.h"
#include "common/fileio.h"

static const vigil_field id_field[] = { { "id", 0 }, VIGIL_FIELD_END };

static xmlNode *add(xmlNode *parent, const char *name)
{
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

static void write_rule(xmlNode *parent, const vigil_rule *r);

static void write_expr(xmlNode *parent, const vigil_expr *e)
{
	xmlNode *n = add(parent, "expression");

	vigil_fields_write(e, vigil_expr_fields, n, &e->extra);
	vigil_extra_write_children(&e->extra, n);
}

static void write_rule(xmlNode *parent, const vigil_rule *r)
{
	xmlNode *n = add(parent, "rule");

	vigil_fields_write(r, vigil_rule_fields, n, &r->extra);
	for (guint i = 0; i < r->exprs->len; i++)
		write_expr(n, g_ptr_array_index(r->exprs, i));
	for (guint i = 0; i < r->rules->len; i++)
		write_rule(n, g_ptr_array_index(r->rules, i));
	vigil_extra_write_children(&r->extra, n);
}

static void write_nvset(xmlNode *parent, const vigil_nvset *s)
{
	xmlNode *n = add(parent, s->element);

	vigil_fields_write(s, vigil_nvset_fields, n, &s->extra);
	if (s->rule != NULL)
		write_rule(n, s->rule);
	for (guint i = 0; i < s->nvpairs->len; i++) {
		const vigil_nvpair *p = g_ptr_array_index(s->nvpairs, i);
		xmlNode *pn = add(n, "nvpair");

		vigil_fields_write(p, vigil_nvpair_fields, pn, &p->extra);
		vigil_extra_write_children(&p->extra, pn);
	}
	vigil_extra_write_children(&s->extra, n);
}

static void write_nvsets(xmlNode *parent, const GPtrArray *sets)
{
	for (guint i = 0; sets != NULL && i < sets->len; i++)
		write_nvset(parent, g_ptr_array_index(sets, i));
}

static void write_node(xmlNode *parent, const vigil_node *node)
{
	xmlNode *n = add(parent, "node");

	vigil_fields_write(node, vigil_node_fields, n, &node->extra);
	write_nvsets(n, node->nvsets);
	vigil_extra_write_children(&node->extra, n);
}

static void write_operations(xmlNode *parent, const vigil_rsc *rsc)
{
	xmlNode *ops;

	if (!rsc->has_operations)
		return;
	ops = add(parent, "operations");
	vigil_fields_write(&rsc->operations_id, id_field, ops, &rsc->operations_extra);
	for (guint i = 0; i < rsc->ops->len; i++) {
		const vigil_op *op = g_ptr_array_index(rsc->ops, i);
		xmlNode *n = add(ops, "op");

		vigil_fields_write(op, vigil_op_fields, n, &op->extra);
		write_nvsets(n, op->nvsets);
		vigil_extra_write_children(&op->extra, n);
	}
	vigil_extra_write_children(&rsc->operations_extra, ops);
}

static void write_rsc(xmlNode *parent, const vigil_rsc *rsc)
{
	xmlNode *n;

	if (rsc->kind == VIGIL_RSC_OTHER) {
		xmlAddChild(parent, xmlCopyNode(rsc->raw, 1));
		return;
	}
	n = add(parent, rsc->kind == VIGIL_RSC_GROUP ? "group" : "primitive");
	vigil_fields_write(rsc, rsc->kind == VIGIL_RSC_GROUP ? vigil_group_fields :
			   vigil_primitive_fields, n, &rsc->extra);
	write_nvsets(n, rsc->nvsets);
	write_operations(n, rsc);
	for (guint i = 0; i < rsc->members->len; i++)
		write_rsc(n, g_ptr_array_index(rsc->members, i));
	vigil_extra_write_children(&rsc->extra, n);
}

static void write_constraint(xmlNode *parent, const vigil_constraint *c)
{
	xmlNode *n;

	if (c->kind == VIGIL_CONS_OTHER) {
		xmlAddChild(parent, xmlCopyNode(c->raw, 1));
		return;
	}
	n = add(parent, c->element);
	vigil_fields_write(c, vigil_constraint_fields, n, &c->extra);
	for (guint i = 0; i < c->rules->len; i++)
		write_rule(n, g_ptr_array_index(c->rules, i));
	vigil_extra_write_children(&c->extra, n);
}

static const vigil_field no_fields[] = { VIGIL_FIELD_END };

/* A section element with the attributes and unknown children kept for it. */
static xmlNode *add_section(xmlNode *parent, const char *name, const vigil_extra *extra)
{
	xmlNode *n = add(parent, name);

	vigil_fields_write(NULL, no_fields, n, extra);
	return n;
}

xmlNode *vigil_cib_configuration_node(const vigil_cib *cib)
{
	xmlNode *conf = xmlNewNode(NULL, BAD_CAST "configuration");
	xmlNode *n;

	vigil_fields_write(NULL, no_fields, conf, &cib->configuration_extra);
	if (cib->has_crm_config || cib->crm_config->len > 0) {
		n = add_section(conf, "crm_config", &cib->crm_config_extra);
		write_nvsets(n, cib->crm_config);
		vigil_extra_write_children(&cib->crm_config_extra, n);
	}
	if (cib->has_nodes || cib->nodes->len > 0) {
		n = add_section(conf, "nodes", &cib->nodes_extra);
		for (guint i = 0; i < cib->nodes->len; i++)
			write_node(n, g_ptr_array_index(cib->nodes, i));
		vigil_extra_write_children(&cib->nodes_extra, n);
	}
	if (cib->has_resources || cib->resources->len > 0) {
		n = add_section(conf, "resources", &cib->resources_extra);
		for (guint i = 0; i < cib->resources->len; i++)
			write_rsc(n, g_ptr_array_index(cib->resources, i));
		vigil_extra_write_children(&cib->resources_extra, n);
	}
	if (cib->has_constraints || cib->constraints->len > 0) {
		n = add_section(conf, "constraints", &cib->constraints_extra);
		for (guint i = 0; i < cib->constraints->len; i++)
			write_constraint(n, g_ptr_array_index(cib->constraints, i));
		vigil_extra_write_children(&cib->constraints_extra, n);
	}
	if (cib->has_rsc_defaults) {
		n = add_section(conf, "rsc_defaults", &cib->rsc_defaults_extra);
		write_nvsets(n, cib->rsc_defaults);
		vigil_extra_write_children(&cib->rsc_defaults_extra, n);
	}
	if (cib->has_op_defaults) {
		n = add_section(conf, "op_defaults", &cib->op_defaults_extra);
		write_nvsets(n, cib->op_defaults);
		vigil_extra_write_children(&cib->op_defaults_extra, n);
	}
	vigil_extra_write_children(&cib->configuration_extra, conf);
	return conf;
}

/* --- status ---------------------------------------------------------------------------- */

static void write_lrm_rsc(xmlNode *parent, const vigil_lrm_rsc *r)
{
	xmlNode *n = add(parent, "lrm_resource");

	vigil_fields_write(r, vigil_lrm_rsc_fields, n, &r->extra);
	for (guint i = 0; i < r->ops->len; i++) {
		const vigil_lrm_op *op = g_ptr_array_index(r->ops, i);
		xmlNode *on = add(n, "lrm_rsc_op");

		vigil_fields_write(op, vigil_lrm_op_fields, on, &op->extra);
		vigil_extra_write_children(&op->extra, on);
	}
	vigil_extra_write_children(&r->extra, n);
}

static void write_lrm(xmlNode *parent, const vigil_node_state *ns)
{
	xmlNode *lrm, *rscs;

	if (!ns->has_lrm)
		return;
	lrm = add(parent, "lrm");
	vigil_fields_write(&ns->lrm_id, id_field, lrm, &ns->lrm_extra);
	if (ns->has_lrm_resources) {
		rscs = add(lrm, "lrm_resources");
		vigil_fields_write(&ns->lrm_resources_id, id_field, rscs,
				   &ns->lrm_resources_extra);
		for (guint i = 0; i < ns->lrm_rscs->len; i++)
			write_lrm_rsc(rscs, g_ptr_array_index(ns->lrm_rscs, i));
		vigil_extra_write_children(&ns->lrm_resources_extra, rscs);
	}
	vigil_extra_write_children(&ns->lrm_extra, lrm);
}

static void write_node_state(xmlNode *parent, const vigil_node_state *ns)
{
	xmlNode *n = add(parent, "node_state");

	vigil_fields_write(ns, vigil_node_state_fields, n, &ns->extra);
	if (ns->has_transient) {
		xmlNode *t = add(n, "transient_attributes");

		vigil_fields_write(&ns->transient_id, id_field, t, &ns->transient_extra);
		write_nvsets(t, ns->transient);
		vigil_extra_write_children(&ns->transient_extra, t);
	}
	write_lrm(n, ns);
	vigil_extra_write_children(&ns->extra, n);
}

static void write_status(xmlNode *root, const vigil_cib *cib)
{
	xmlNode *status;

	if (!cib->has_status)
		return;
	status = add(root, "status");
	vigil_fields_write(NULL, no_fields, status, &cib->status_extra);
	for (guint i = 0; i < cib->node_states->len; i++)
		write_node_state(status, g_ptr_array_index(cib->node_states, i));
	vigil_extra_write_children(&cib->status_extra, status);
}

static void set_u64(xmlNode *n, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	xmlSetProp(n, BAD_CAST name, BAD_CAST buf);
}

static xmlDoc *build_doc(const vigil_cib *cib)
{
	xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNode *root = xmlNewNode(NULL, BAD_CAST "cib");

	xmlDocSetRootElement(doc, root);
	set_u64(root, "admin_epoch", cib->version.admin_epoch);
	set_u64(root, "epoch", cib->version.epoch);
	set_u64(root, "num_updates", cib->version.num_updates);
	vigil_fields_write(cib, vigil_cib_fields, root, &cib->extra);
	if (cib->has_configuration)
		xmlAddChild(root, vigil_cib_configuration_node(cib));
	write_status(root, cib);
	vigil_extra_write_children(&cib->extra, root);
	return doc;
}

int vigil_cib_to_xml(const vigil_cib *cib, char **ret_text, size_t *ret_len)
{
	xmlDoc *doc = build_doc(cib);
	xmlChar *buf = NULL;
	int len = 0;

	xmlDocDumpFormatMemoryEnc(doc, &buf, &len, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (buf == NULL)
		return -ENOMEM;
	*ret_text = g_strndup((const char *)buf, (gsize)len);
	if (ret_len != NULL)
		*ret_len = (size_t)len;
	xmlFree(buf);
	return 0;
}

int vigil_cib_configuration_to_xml(const vigil_cib *cib, char **ret_text)
{
	xmlNode *conf = vigil_cib_configuration_node(cib);
	xmlBuffer *buf = xmlBufferCreate();
	int r = 0;

	if (buf == NULL || xmlNodeDump(buf, NULL, conf, 0, 0) < 0)
		r = -ENOMEM;
	else
		*ret_text = g_strndup((const char *)xmlBufferContent(buf),
				      (gsize)xmlBufferLength(buf));
	xmlBufferFree(buf);
	xmlFreeNode(conf);
	return r;
}

int vigil_cib_save_file(const vigil_cib *cib, const char *path)
{
	g_autofree char *text = NULL;
	g_autofree char *tmp = g_strdup_printf("%s.XXXXXX", path);
	size_t len = 0;
	int fd, r;

	r = vigil_cib_to_xml(cib, &text, &len);
	if (r < 0)
		return r;
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	r = vigil_write_all(fd, text, len);
	if (r == 0)
		r = vigil_fsync(fd);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return vigil_fsync_parent(path);
}
