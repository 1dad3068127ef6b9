/* vigil-systemd.so: the systemd class (lib/exec/unit.c, on GIO's D-Bus) as a module that
 * vigild loads the first time a systemd resource needs it (daemons/vigild/units.c). Its
 * only export is the table of its functions. */
#include "config.h"

#include "exec/unit.h"

extern const vigil_unit_ops vigil_unit_ops_v1;

const vigil_unit_ops vigil_unit_ops_v1 = {
	.start = vigil_unit_start,
	.cancel = vigil_unit_cancel,
	.name = vigil_unit_name,
	.rc_of_state = vigil_unit_rc_of_state,
	.watch = vigil_unit_watch,
	.unwatch = vigil_unit_unwatch,
};
