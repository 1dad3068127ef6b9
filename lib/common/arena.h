/* A bump allocator: many small objects that all die together (a big status section's
 * histories), without a malloc and a free each. */
#pragma once

#include <stddef.h>
#include <glib.h>

typedef struct vigil_arena vigil_arena;

vigil_arena *vigil_arena_new(void);
/* N bytes, aligned for any object; valid until the arena is freed. */
void *vigil_arena_alloc(vigil_arena *a, size_t n);
/* The same, zeroed. */
void *vigil_arena_alloc0(vigil_arena *a, size_t n);
/* STR copied into the arena; NULL for NULL. */
char *vigil_arena_strdup(vigil_arena *a, const char *str);
void vigil_arena_free(vigil_arena *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_arena, vigil_arena_free)
