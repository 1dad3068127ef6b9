/* Semantic checks of a loaded CIB: what the schema cannot see. */
#pragma once

#include <stdint.h>
#include <glib.h>

#include "cib/cib.h"

/* Checks CIB and appends errors and warnings to DIAGS, in document order per check.
 * NOW (seconds since the epoch) decides which failures have expired. A CIB that passes
 * without any diagnostic is one Pacemaker's crm_verify accepts as well. */
void vigil_cib_verify(const vigil_cib *cib, int64_t now, GPtrArray *diags);
