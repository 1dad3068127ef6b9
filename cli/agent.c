#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "cli/agent.h"
#include "exec/exec.h"
#include "exec/fence.h"

void agent_name_clear(agent_name *a)
{
	g_clear_pointer(&a->class_, g_free);
	g_clear_pointer(&a->provider, g_free);
	g_clear_pointer(&a->type, g_free);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *agent_dir_names(const char *dir, const char *prefix)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL)
		if (n[0] != '.' && g_str_has_prefix(n, prefix))
			g_ptr_array_add(names, g_strdup(n));
	g_ptr_array_sort(names, by_name);
	return names;
}

/* The first provider that has TYPE: heartbeat, then the others in name order. */
static char *find_provider(const char *type)
{
	g_autofree char *hb = vigil_ocf_agent_path("heartbeat", type);
	g_autoptr(GPtrArray) names = vigil_ocf_list(NULL);

	if (hb != NULL)
		return g_strdup("heartbeat");
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *p = vigil_ocf_agent_path(names->pdata[i], type);

		if (p != NULL)
			return g_strdup(names->pdata[i]);
	}
	return NULL;
}

int agent_parse(const char *what, const char *spec, agent_name *ret)
{
	g_auto(GStrv) parts = g_strsplit(spec, ":", 4);
	guint n = g_strv_length(parts);

	*ret = (agent_name){ 0 };
	for (guint i = 0; i < n; i++)
		if (parts[i][0] == '\0')
			n = 0;
	if (n == 3 && strcmp(parts[0], "ocf") == 0) {
		*ret = (agent_name){ g_strdup("ocf"), g_strdup(parts[1]), g_strdup(parts[2]) };
		return 0;
	}
	if (n == 2 && (strcmp(parts[0], "systemd") == 0 || strcmp(parts[0], "stonith") == 0)) {
		*ret = (agent_name){ g_strdup(parts[0]), NULL, g_strdup(parts[1]) };
		return 0;
	}
	if (n == 1) {
		char *provider = find_provider(parts[0]);

		if (provider == NULL) {
			fprintf(stderr, "%s: no installed OCF agent is called '%s'; give the whole "
				"name (ocf:PROVIDER:TYPE, systemd:UNIT), or 'vigil resource agents' "
				"lists them.\n", what, spec);
			return -ENOENT;
		}
		*ret = (agent_name){ g_strdup("ocf"), provider, g_strdup(parts[0]) };
		return 0;
	}
	fprintf(stderr, "%s: '%s' is not an agent name: use ocf:PROVIDER:TYPE, systemd:UNIT or "
		"stonith:AGENT.\n", what, spec);
	return -EINVAL;
}

bool agent_installed(const agent_name *a)
{
	g_autofree char *path = NULL;

	if (strcmp(a->class_, "ocf") == 0)
		path = vigil_ocf_agent_path(a->provider, a->type);
	else if (strcmp(a->class_, "stonith") == 0)
		path = vigil_fence_agent_path(a->type);
	else
		return true; /* systemd: the unit is systemd's to find */
	return path != NULL;
}

typedef struct meta_run {
	bool done;
	char *output;
	int rc;
} meta_run;

static void meta_done(const vigil_exec_result *r, gpointer user)
{
	meta_run *m = user;

	m->done = true;
	m->rc = r->rc;
	m->output = g_strdup(r->output);
}

static void params_from(xmlNode *n, GPtrArray *out)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(n->name, (const xmlChar *)"parameter")) {
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			xmlChar *req = xmlGetProp(n, (const xmlChar *)"required");
			agent_param *p = g_new0(agent_param, 1);

			p->name = g_strdup(name != NULL ? (const char *)name : "");
			p->required = req != NULL && xmlStrEqual(req, (const xmlChar *)"1");
			g_ptr_array_add(out, p);
			xmlFree(name);
			xmlFree(req);
		} else {
			params_from(n->children, out);
		}
	}
}

static void agent_param_free(agent_param *p)
{
	g_free(p->name);
	g_free(p);
}

GPtrArray *agent_params(const agent_name *a)
{
	vigil_exec_request req = { .provider = a->provider, .type = a->type,
				   .rsc_id = "meta-data", .action = "meta-data",
				   .timeout_ms = 10000 };
	GMainContext *ctx;
	meta_run m = { 0 };
	GPtrArray *out = NULL;
	xmlDoc *doc;

	if (strcmp(a->class_, "ocf") != 0)
		return NULL;
	ctx = g_main_context_new();
	vigil_exec_start(&req, ctx, meta_done, &m);
	while (!m.done)
		g_main_context_iteration(ctx, TRUE);
	g_main_context_unref(ctx);
	doc = m.rc == 0 && m.output != NULL ?
		      xmlReadMemory(m.output, (int)strlen(m.output), "meta-data", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) :
		      NULL;
	if (doc != NULL && xmlDocGetRootElement(doc) != NULL) {
		out = g_ptr_array_new_with_free_func((GDestroyNotify)agent_param_free);
		params_from(xmlDocGetRootElement(doc)->children, out);
	}
	xmlFreeDoc(doc);
	g_free(m.output);
	return out;
}
