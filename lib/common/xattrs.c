#include "config.h"

#include <string.h>

#include "common/xattrs.h"

static char **field_ptr(void *obj, const vigil_field *f)
{
	return (char **)((char *)obj + f->offset);
}

static void xattr_free(gpointer p)
{
	vigil_xattr *a = p;

	g_free(a->name);
	g_free(a->value);
	g_free(a);
}

static void child_free(gpointer p)
{
	xmlFreeNode(p);
}

char **vigil_fields_lookup(void *obj, const vigil_field *fields, const char *name)
{
	for (const vigil_field *f = fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return field_ptr(obj, f);
	return NULL;
}

void vigil_extra_add_attr(vigil_extra *extra, const char *name, const char *value)
{
	vigil_xattr *a = g_new0(vigil_xattr, 1);

	if (extra->attrs == NULL)
		extra->attrs = g_ptr_array_new_with_free_func(xattr_free);
	a->name = g_strdup(name);
	a->value = g_strdup(value);
	g_ptr_array_add(extra->attrs, a);
}

void vigil_fields_read(void *obj, const vigil_field *fields, const xmlNode *node,
		       vigil_extra *extra)
{
	for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
		const char *name = (const char *)a->name;
		xmlChar *raw = xmlNodeGetContent((const xmlNode *)a);
		const char *value = raw != NULL ? (const char *)raw : "";
		char **slot = obj != NULL ? vigil_fields_lookup(obj, fields, name) : NULL;

		if (slot != NULL) {
			g_free(*slot);
			*slot = g_strdup(value);
		} else {
			vigil_extra_add_attr(extra, name, value);
		}
		xmlFree(raw);
	}
}

void vigil_fields_write(const void *obj, const vigil_field *fields, xmlNode *node,
			const vigil_extra *extra)
{
	for (const vigil_field *f = fields; f->name != NULL; f++) {
		const char *v = *field_ptr((void *)obj, f);

		if (v != NULL)
			xmlSetProp(node, BAD_CAST f->name, BAD_CAST v);
	}
	if (extra == NULL || extra->attrs == NULL)
		return;
	for (guint i = 0; i < extra->attrs->len; i++) {
		const vigil_xattr *a = g_ptr_array_index(extra->attrs, i);

		xmlSetProp(node, BAD_CAST a->name, BAD_CAST a->value);
	}
}

void vigil_fields_free(void *obj, const vigil_field *fields)
{
	for (const vigil_field *f = fields; f->name != NULL; f++)
		g_clear_pointer(field_ptr(obj, f), g_free);
}

/* Removes whitespace-only text below NODE: it is formatting, and would change when the
 * document is written formatted, so a second save would differ from the first. */
static void strip_blanks(xmlNode *node)
{
	xmlNode *c = node->children;

	while (c != NULL) {
		xmlNode *next = c->next;

		if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (c->type == XML_ELEMENT_NODE) {
			strip_blanks(c);
		}
		c = next;
	}
}

xmlNode *vigil_xml_copy(const xmlNode *node)
{
	xmlNode *copy = xmlCopyNode((xmlNode *)node, 1);

	if (copy != NULL)
		strip_blanks(copy);
	return copy;
}

void vigil_extra_keep_child(vigil_extra *extra, const xmlNode *child)
{
	if (extra->children == NULL)
		extra->children = g_ptr_array_new_with_free_func(child_free);
	g_ptr_array_add(extra->children, vigil_xml_copy(child));
}

void vigil_extra_write_children(const vigil_extra *extra, xmlNode *node)
{
	if (extra->children == NULL)
		return;
	for (guint i = 0; i < extra->children->len; i++)
		xmlAddChild(node, xmlCopyNode(g_ptr_array_index(extra->children, i), 1));
}

const char *vigil_extra_attr(const vigil_extra *extra, const char *name)
{
	if (extra->attrs == NULL)
		return NULL;
	for (guint i = 0; i < extra->attrs->len; i++) {
		const vigil_xattr *a = g_ptr_array_index(extra->attrs, i);

		if (strcmp(a->name, name) == 0)
			return a->value;
	}
	return NULL;
}

void vigil_extra_clear(vigil_extra *extra)
{
	g_clear_pointer(&extra->attrs, g_ptr_array_unref);
	g_clear_pointer(&extra->children, g_ptr_array_unref);
}

gboolean vigil_xml_is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

char *vigil_xml_get(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	char *r = g_strdup((const char *)v);

	xmlFree(v);
	return r;
}
