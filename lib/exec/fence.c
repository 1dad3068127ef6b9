#include "config.h"

#include <string.h>
#include <unistd.h>

#include "common/duration.h"
#include "exec/exec.h"
#include "exec/fence.h"

char *vigil_fence_plug(const char *host_map, const char *node)
{
	g_auto(GStrv) entries = NULL;

	if (host_map == NULL)
		return g_strdup(node);
	entries = g_strsplit_set(host_map, ";, \t", -1);
	for (char **e = entries; *e != NULL; e++) {
		char *sep = strpbrk(*e, ":=");

		if (sep == NULL || sep[1] == '\0')
			continue;
		*sep = '\0';
		if (strcmp(*e, node) == 0)
			return g_strdup(sep + 1);
	}
	return g_strdup(node);
}

/* Whether NAME is an attribute of Pacemaker's own, not the agent's. */
static bool cluster_attr(const char *name)
{
	return g_str_has_prefix(name, "pcmk_") || strcmp(name, "provides") == 0 ||
	       strcmp(name, "stonith-timeout") == 0;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *vigil_fence_input(GHashTable *params, const char *action, const char *target)
{
	GString *in = g_string_new(NULL);
	const char *arg = params != NULL ? g_hash_table_lookup(params, "pcmk_host_argument") : NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_string_append_printf(in, "action=%s\n", action);
	if (target != NULL) {
		g_autofree char *plug = vigil_fence_plug(
			params != NULL ? g_hash_table_lookup(params, "pcmk_host_map") : NULL,
			target);

		if (arg == NULL)
			arg = "plug";
		if (strcmp(arg, "none") != 0)
			g_string_append_printf(in, "%s=%s\n", arg, plug);
		g_string_append_printf(in, "nodename=%s\n", target);
	}
	if (params != NULL) {
		g_hash_table_iter_init(&it, params);
		while (g_hash_table_iter_next(&it, &k, NULL))
			if (!cluster_attr(k) && strcmp(k, "action") != 0 &&
			    (arg == NULL || strcmp(k, arg) != 0) && strcmp(k, "nodename") != 0)
				g_ptr_array_add(names, k);
	}
	g_ptr_array_sort(names, by_name); /* the same input for the same device, always */
	for (guint i = 0; i < names->len; i++) {
		const char *v = g_hash_table_lookup(params, g_ptr_array_index(names, i));

		/* one option per line: a value cannot smuggle another in */
		if (strpbrk(v, "\n\r") != NULL)
			continue;
		g_string_append_printf(in, "%s=%s\n", (const char *)g_ptr_array_index(names, i), v);
	}
	return g_string_free(in, FALSE);
}

static char **fence_dirs(void)
{
	const char *env = g_getenv("VIGIL_FENCE_PATH");

	return g_strsplit(env != NULL ? env : SBINDIR ":/usr/sbin", ":", -1);
}

GPtrArray *vigil_fence_agent_list(void)
{
	g_auto(GStrv) dirs = fence_dirs();

	return vigil_names_in_dirs(dirs, NULL, "fence_", true);
}

char *vigil_fence_agent_path(const char *type)
{
	g_auto(GStrv) dirs = fence_dirs();

	if (!vigil_exec_plain_name(type))
		return NULL;
	for (char **d = dirs; *d != NULL; d++) {
		g_autofree char *path = NULL;

		if (**d == '\0')
			continue;
		path = g_build_filename(*d, type, NULL);
		if (access(path, X_OK) == 0)
			return g_steal_pointer(&path);
	}
	return NULL;
}

uint64_t vigil_fence_timeout_ms(GHashTable *params, const char *action, uint64_t default_ms)
{
	g_autofree char *name = g_strdup_printf("pcmk_%s_timeout", action);
	const char *v = params != NULL ? g_hash_table_lookup(params, name) : NULL;
	uint64_t ms = 0;

	if (v != NULL && vigil_duration_parse_ms(v, &ms) == 0 && ms > 0)
		return ms;
	return default_ms;
}

/* pcmk_delay_base's value for TARGET: a plain duration, or the entry "TARGET:DURATION" of a
 * list (0 when it has none for TARGET). */
static uint64_t delay_base_ms(const char *v, const char *target)
{
	g_auto(GStrv) entries = NULL;
	uint64_t ms = 0;

	if (v == NULL)
		return 0;
	if (strchr(v, ':') == NULL) {
		g_autofree char *plain = g_strstrip(g_strdup(v));

		return vigil_duration_parse_ms(plain, &ms) == 0 ? ms : 0;
	}
	entries = g_strsplit_set(v, ";, \t", -1);
	for (char **e = entries; *e != NULL; e++) {
		char *colon = strchr(*e, ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		if (strcmp(*e, target) == 0 && vigil_duration_parse_ms(colon + 1, &ms) == 0)
			return ms;
	}
	return 0;
}

uint64_t vigil_fence_delay_ms(GHashTable *params, const char *task, const char *target,
			      double random)
{
	const char *max_v = params != NULL ? g_hash_table_lookup(params, "pcmk_delay_max") : NULL;
	uint64_t base, max = 0;

	if (params == NULL || g_strcmp0(task, "on") == 0 || !vigil_fence_task(task))
		return 0;
	base = delay_base_ms(g_hash_table_lookup(params, "pcmk_delay_base"), target);
	if (max_v == NULL || vigil_duration_parse_ms(max_v, &max) < 0 || max <= base)
		return base;
	return base + (uint64_t)((double)(max - base) * CLAMP(random, 0.0, 1.0));
}

bool vigil_fence_task(const char *task)
{
	return g_strcmp0(task, "reboot") == 0 || g_strcmp0(task, "off") == 0 ||
	       g_strcmp0(task, "on") == 0;
}
