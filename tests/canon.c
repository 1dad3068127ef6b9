#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <glib.h>
#include <libxml/parser.h>

#include "tests/canon.h"

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_version(const xmlNode *n, const xmlAttr *a)
{
	const char *name = (const char *)a->name;

	return strcmp((const char *)n->name, "cib") == 0 &&
	       (strcmp(name, "admin_epoch") == 0 || strcmp(name, "epoch") == 0 ||
		strcmp(name, "num_updates") == 0);
}

static void canon_attrs(const xmlNode *n, GString *out)
{
	g_autoptr(GPtrArray) attrs = g_ptr_array_new_with_free_func(g_free);

	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeGetContent((const xmlNode *)a);

		if (is_version(n, a))
			/* the version counters are numbers: "007" and "7" are the same */
			g_ptr_array_add(attrs, g_strdup_printf("%s=%" G_GUINT64_FORMAT, a->name,
							       g_ascii_strtoull((char *)v, NULL, 10)));
		else
			g_ptr_array_add(attrs, g_strdup_printf("%s=%s", a->name, (char *)v));
		xmlFree(v);
	}
	g_ptr_array_sort(attrs, cmp_str);
	for (guint i = 0; i < attrs->len; i++)
		g_string_append_printf(out, " %s", (char *)g_ptr_array_index(attrs, i));
}

/* Where the order of differently named children carries meaning. */
static bool ordered(const xmlNode *n)
{
	return strcmp((const char *)n->name, "resources") == 0 ||
	       strcmp((const char *)n->name, "constraints") == 0;
}

static GString *canon(const xmlNode *n, GString *out)
{
	g_autoptr(GPtrArray) kids = g_ptr_array_new_with_free_func(g_free);

	g_string_append_printf(out, "<%s", n->name);
	canon_attrs(n, out);
	g_string_append(out, ">");
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		g_autoptr(GString) s = NULL;

		if (c->type == XML_TEXT_NODE && !xmlIsBlankNode((xmlNode *)c)) {
			/* text is content too: it must survive */
			g_ptr_array_add(kids, g_strdup_printf("#text\x01%08u\x01%s", kids->len,
							      (const char *)c->content));
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		s = canon(c, g_string_new(NULL));
		/* the name and a sequence number keep the order among same-named siblings */
		g_ptr_array_add(kids, g_strdup_printf("%s\x01%08u\x01%s", c->name, kids->len,
						      s->str));
	}
	if (!ordered(n))
		g_ptr_array_sort(kids, cmp_str);
	for (guint i = 0; i < kids->len; i++)
		g_string_append(out, strchr(strchr(g_ptr_array_index(kids, i), '\x01') + 1,
					    '\x01') + 1);
	g_string_append_printf(out, "</%s>", n->name);
	return out;
}

char *vigil_test_canon(const char *text, size_t len)
{
	xmlDoc *doc = xmlReadMemory(text, (int)len, "x.xml", NULL,
				    XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	GString *s;

	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	s = canon(xmlDocGetRootElement(doc), g_string_new(NULL));
	xmlFreeDoc(doc);
	return g_string_free(s, FALSE);
}
