/* Validation against Vigil's RelaxNG schema (schemas/vigil-cib.rng, built in). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/* Validates DOC. Returns 0, -EPROTO with one diagnostic per violation (line, element),
 * or -ENOMEM/-EINVAL if the built-in schema cannot be compiled (a build bug). */
int vigil_schema_validate(xmlDoc *doc, GPtrArray *diags);

/* The built-in schema text. */
const char *vigil_schema_text(size_t *ret_len);
