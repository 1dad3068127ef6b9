#include "config.h"

#include <string.h>

#include "common/arena.h"

#define BLOCK_SIZE ((size_t)1 << 20)
#define ALIGN ((size_t)16)

struct vigil_arena {
	GPtrArray *blocks; /* of g_malloc'ed blocks */
	char *next;        /* free space in the newest block */
	size_t left;
};

vigil_arena *vigil_arena_new(void)
{
	vigil_arena *a = g_new0(vigil_arena, 1);

	a->blocks = g_ptr_array_new_with_free_func(g_free);
	return a;
}

void *vigil_arena_alloc0(vigil_arena *a, size_t n)
{
	return memset(vigil_arena_alloc(a, n), 0, n);
}

void *vigil_arena_alloc(vigil_arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (need < n)
		g_error("vigil_arena_alloc: %zu bytes do not fit in memory", n);
	if (need > a->left) {
		/* a request bigger than a block gets a block of its own */
		size_t size = MAX(need, BLOCK_SIZE);
		char *block = g_malloc(size);

		g_ptr_array_add(a->blocks, block);
		if (size > BLOCK_SIZE)
			return block;
		a->next = block;
		a->left = size;
	}
	p = a->next;
	a->next += need;
	a->left -= need;
	return p;
}

void vigil_arena_free(vigil_arena *a)
{
	if (a == NULL)
		return;
	g_ptr_array_unref(a->blocks);
	g_free(a);
}
