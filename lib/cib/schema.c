#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "cib/cib.h"
#include "cib/schema.h"

extern const char vigil_cib_schema_rng[];
extern const size_t vigil_cib_schema_rng_len;

const char *vigil_schema_text(size_t *ret_len)
{
	if (ret_len != NULL)
		*ret_len = vigil_cib_schema_rng_len;
	return vigil_cib_schema_rng;
}

static void ignore_error(void *data, const xmlError *e)
{
}

/* Compiled on first use and kept (read-only) until vigil_schema_release(). */
static GMutex schema_lock;
static xmlRelaxNGPtr compiled;
static bool compiling; /* a thread of vigil_schema_compile_start() is on its way */

static void parser_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		xmlInitParser(); /* once, before libxml2 is used from a second thread */
		g_once_init_leave(&once, 1);
	}
}

static xmlRelaxNGPtr compiled_schema(void)
{
	xmlRelaxNGPtr s;

	g_mutex_lock(&schema_lock);
	if (compiled == NULL) {
		xmlRelaxNGParserCtxtPtr p;

		p = xmlRelaxNGNewMemParserCtxt(vigil_cib_schema_rng, (int)vigil_cib_schema_rng_len);
		if (p != NULL) {
			xmlRelaxNGSetParserStructuredErrors(p, (xmlStructuredErrorFunc)ignore_error,
							    NULL);
			compiled = xmlRelaxNGParse(p);
			xmlRelaxNGFreeParserCtxt(p);
		}
	}
	s = compiled;
	g_mutex_unlock(&schema_lock);
	return s;
}

static gpointer compile_run(gpointer data)
{
	(void)data;
	compiled_schema();
	g_mutex_lock(&schema_lock);
	compiling = false;
	g_mutex_unlock(&schema_lock);
	return NULL;
}

GThread *vigil_schema_compile_start(void)
{
	GThread *t = NULL;

	parser_init();
	g_mutex_lock(&schema_lock);
	/* once at a time: later callers find it compiled, or being compiled */
	if (compiled == NULL && !compiling) {
		t = g_thread_try_new("vigil-schema", compile_run, NULL, NULL);
		compiling = t != NULL;
	}
	g_mutex_unlock(&schema_lock);
	return t;
}

void vigil_schema_release(void)
{
	g_mutex_lock(&schema_lock);
	g_clear_pointer(&compiled, xmlRelaxNGFree);
	g_mutex_unlock(&schema_lock);
}

/* libxml2 reports each violation once per enclosing element; keep only distinct ones. */
static bool already_reported(GPtrArray *diags, guint first, unsigned line, const char *msg)
{
	for (guint i = first; i < diags->len; i++) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		if (d->line == line && strcmp(d->message, msg) == 0)
			return true;
	}
	return false;
}

struct collect {
	GPtrArray *diags;
	guint first;
	unsigned count;
};

static void collect_error(void *data, const xmlError *e)
{
	struct collect *c = data;
	const xmlNode *node = e->node;

	if (node != NULL && node->type == XML_ATTRIBUTE_NODE)
		node = node->parent;
	g_autofree char *named = NULL;
	const char *element = node != NULL && node->type == XML_ELEMENT_NODE ?
				      (const char *)node->name : NULL;
	unsigned line = node != NULL ? (unsigned)xmlGetLineNo(node) : (unsigned)e->line;
	g_autofree char *msg = g_strstrip(g_strdup(e->message != NULL ? e->message : "invalid"));
	g_autofree char *sentence = g_strdup_printf("Schema violation: %s%s", msg,
						    g_str_has_suffix(msg, ".") ? "" : ".");

	/* inside an interleave libxml2 reports some errors without their node */
	if (element == NULL && e->message != NULL && g_str_has_prefix(e->message, "Element ")) {
		named = g_strdup(e->message + strlen("Element "));
		named[strcspn(named, " ")] = '\0';
		element = named;
	}
	c->count++;
	if (c->diags == NULL || already_reported(c->diags, c->first, line, sentence))
		return;
	vigil_diag_add(c->diags, VIGIL_ERROR, line, element, "%s", sentence);
}

/* libxml2 follows each violation with "Element X failed to validate content", "Invalid
 * sequence in interleave" or "has extra content" for its ancestors; those say nothing new
 * once a specific message exists. */
static void drop_cascades(GPtrArray *diags, guint first)
{
	if (diags == NULL || diags->len <= first + 1)
		return;
	for (guint i = diags->len; i-- > first; ) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		bool noise = strstr(d->message, "failed to validate content") != NULL ||
			     strstr(d->message, " in interleave") != NULL ||
			     strstr(d->message, "has extra content") != NULL;

		if (noise && diags->len > first + 1)
			g_ptr_array_remove_index(diags, i);
	}
}

static gint by_line(gconstpointer a, gconstpointer b)
{
	const vigil_diag *x = *(const vigil_diag *const *)a, *y = *(const vigil_diag *const *)b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->message, y->message);
}

/* Diagnostics FIRST.. in document order: libxml2 reports unresolved IDREFs in the order of
 * a randomised hash table, which would make the messages (and the first of them) change
 * from run to run. */
static void sort_by_line(GPtrArray *diags, guint first)
{
	g_autoptr(GPtrArray) tail = g_ptr_array_new();

	if (diags == NULL || diags->len <= first + 1)
		return;
	for (guint i = first; i < diags->len; i++)
		g_ptr_array_add(tail, g_ptr_array_index(diags, i));
	g_ptr_array_sort(tail, by_line);
	for (guint i = 0; i < tail->len; i++)
		diags->pdata[first + i] = g_ptr_array_index(tail, i);
}

int vigil_schema_validate(xmlDoc *doc, GPtrArray *diags)
{
	xmlRelaxNGPtr schema = compiled_schema();
	xmlRelaxNGValidCtxtPtr v;
	struct collect c = { diags, diags != NULL ? diags->len : 0, 0 };
	int r;

	if (schema == NULL)
		return -EINVAL;
	v = xmlRelaxNGNewValidCtxt(schema);
	if (v == NULL)
		return -ENOMEM;
	xmlRelaxNGSetValidStructuredErrors(v, (xmlStructuredErrorFunc)collect_error, &c);
	/* ID/IDREF checks report through libxml2's (thread-local) global handler */
	xmlSetStructuredErrorFunc(&c, (xmlStructuredErrorFunc)collect_error);
	r = xmlRelaxNGValidateDoc(v, doc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlRelaxNGFreeValidCtxt(v);
	if (r == 0)
		return 0;
	drop_cascades(diags, c.first);
	sort_by_line(diags, c.first);
	if (c.count == 0)
		vigil_diag_add(diags, VIGIL_ERROR, 0, NULL, "Schema violation.");
	return r < 0 ? -EINVAL : -EPROTO;
}
