/* fence_virt.conf, the grammar fence_virtd reads (../shared/docs/fence_xvm-protocol.md §9),
 * so that an existing host configuration works with vigil-fenced unchanged: nested blocks
 * `name { ... }`, assignments `key = "value";` (a bare word is taken as well), `#`
 * comments. Values are found by fence_virtd's paths: "fence_virtd/@listener",
 * "listeners/multicast/@key_file", "groups/group[2]/@ip[3]" (1-based; [1] when absent).
 *
 * GLib only; 0 or a negative errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

typedef struct vigil_fconf vigil_fconf;

/* TEXT, LEN parsed. On a syntax error -EINVAL and a one-line explanation with its line
 * number in *RET_ERROR (g_free() it). */
int vigil_fconf_parse(const char *text, size_t len, vigil_fconf **ret, char **ret_error);
void vigil_fconf_free(vigil_fconf *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_fconf, vigil_fconf_free)

/* The value at PATH, or NULL. */
const char *vigil_fconf_get(const vigil_fconf *c, const char *path);

/* How many blocks (PATH without "@") or values ("…/@key") PATH names: "groups/group",
 * "groups/group[1]/@ip". */
unsigned vigil_fconf_count(const vigil_fconf *c, const char *path);

/* The keys of the block at PATH ("" for the top), each once, in order: for reporting the
 * ones a section does not know. NULL when there is no such block. */
GPtrArray *vigil_fconf_keys(const vigil_fconf *c, const char *path);
