/* Validation against Vigil's RelaxNG schema (schemas/vigil-cib.rng, built in). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/* Validates DOC. Returns 0, -EPROTO with one diagnostic per violation (line, element),
 * or -ENOMEM/-EINVAL if the built-in schema cannot be compiled (a build bug). */
int vigil_schema_validate(xmlDoc *doc, GPtrArray *diags);

/* Starts compiling the built-in schema in a thread of its own, beside the parse of the
 * document it will validate (about 2 ms, as long as parsing a small CIB). Returns the
 * thread, for the caller to join, or NULL when the schema is compiled, or being compiled,
 * already, or no thread could be started: vigil_schema_validate() then compiles it itself
 * or waits for it. */
GThread *vigil_schema_compile_start(void);

/* Frees the compiled schema (about 0.6 MiB); the next validation compiles it again (about
 * 1 ms). For a long-running process that validates now and then (vigild), not while a
 * validation or a compilation runs. */
void vigil_schema_release(void);

/* The built-in schema text. */
const char *vigil_schema_text(size_t *ret_len);
