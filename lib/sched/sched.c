/* The scheduler's entry point: placement, then actions, on an unpacked working set. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cib/cib-private.h"
#include "sched/sched-private.h"

/* What an action owns (the action itself is in the working set's arena). */
static void action_free(vigil_action *a)
{
	if (a == NULL)
		return;
	g_free(a->reason);
	g_ptr_array_unref(a->before);
	g_ptr_array_unref(a->after);
}

bool vigil_sched_property_bool(const vigil_sched *s, const char *name, bool dflt)
{
	const char *v = vigil_cib_property(s->cib, name);
	bool b;

	return v != NULL && vigil_str_to_bool(v, &b) == 0 ? b : dflt;
}

int vigil_sched_run(vigil_sched *s)
{
	const char *action = vigil_cib_property(s->cib, "stonith-action");

	if (s->scheduled)
		return -EALREADY;
	s->scheduled = true;
	s->symmetric = vigil_sched_property_bool(s, "symmetric-cluster", true);
	s->stop_all = vigil_sched_property_bool(s, "stop-all-resources", false);
	s->stonith_action = action != NULL && strcmp(action, "poweroff") == 0 ? "off" :
			    action != NULL ? action : "reboot";
	s->colocs = g_ptr_array_new();
	s->actions = VIGIL_PTR_ARRAY(action_free);
	s->orderings = g_ptr_array_new();
	vigil_place(s);
	vigil_schedule_actions(s);
	return 0;
}
