/* The fencing history the local vigild keeps, in crm_mon's words: for 'vigil stonith
 * history', vigil status and vigil-mon. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ipc/ipc.h"

static void when_text(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	char base[48] = "", zone[16] = "";
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%03d %s", base, (int)(ms % 1000), zone);
}

/* One history entry in crm_mon's words ("reboot of node2 successful: delegate=node1,
 * client=..., origin=node1, completed='...'"), with the reason of a failure. */
static void format_event(GVariant *e, GString *out)
{
	const char *target, *task, *device, *by, *origin, *state, *reason;
	int64_t ms;
	char when[80];

	g_variant_get(e, "(&s&s&s&s&s&s&sx)", &target, &task, &device, &by, &origin, &state,
		      &reason, &ms);
	when_text(ms, when, sizeof(when));
	g_string_append_printf(out, "%s of %s %s: ", task, target,
			       strcmp(state, "done") == 0 ? "successful" : state);
	if (by[0] != '\0')
		g_string_append_printf(out, "delegate=%s, ", by);
	if (device[0] != '\0')
		g_string_append_printf(out, "device=%s, ", device);
	g_string_append_printf(out, "origin=%s", origin);
	if (strcmp(state, "pending") != 0)
		g_string_append_printf(out, ", %s='%s'",
				       strcmp(state, "done") == 0 ? "completed" : "last-failed", when);
	if (strcmp(state, "failed") == 0 && reason[0] != '\0')
		g_string_append_printf(out, " (%s)", reason);
}

int vigil_fence_history_fetch(GVariant **ret)
{
	int r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_FENCE_HISTORY, NULL, 5000, ret);

	if (r == 0 && !g_variant_is_of_type(*ret, G_VARIANT_TYPE("(" VIGIL_FENCE_HISTORY_TYPE ")"))) {
		g_clear_pointer(ret, g_variant_unref);
		r = -EPROTO;
	}
	return r;
}

guint vigil_fence_history_lines(GVariant *reply, const char *node, const char *prefix, GString *out)
{
	g_autoptr(GVariant) list = g_variant_get_child_value(reply, 0);
	guint shown = 0;

	for (gsize i = g_variant_n_children(list); i > 0; i--) {
		g_autoptr(GVariant) e = g_variant_get_child_value(list, i - 1);
		const char *target;

		g_variant_get_child(e, 0, "&s", &target);
		if (node != NULL && strcmp(target, node) != 0)
			continue;
		g_string_append(out, prefix);
		format_event(e, out);
		g_string_append_c(out, '\n');
		shown++;
	}
	return shown;
}

void vigil_fence_history_text(GString *out)
{
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GString) lines = g_string_new(NULL);

	if (vigil_fence_history_fetch(&reply) < 0 || vigil_fence_history_lines(reply, NULL, "  * ", lines) == 0)
		return;
	g_string_append_printf(out, "\nFencing History:\n%s", lines->str);
}
