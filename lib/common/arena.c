#include "config.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/arena.h"

/* Blocks double from the first size to the last: a small CIB's arena, which a daemon keeps
 * for as long as it holds the CIB, takes tens of kilobytes, not a megabyte mapped in full
 * (populate()), while a big one still gets its megabytes in few blocks. */
#define FIRST_BLOCK_SIZE ((size_t)32 << 10)
#define BLOCK_SIZE ((size_t)1 << 20)
#define ALIGN ((size_t)16)

struct vigil_arena {
	GPtrArray *blocks; /* of g_malloc'ed blocks */
	char *next;        /* free space in the newest block */
	size_t left;
	size_t block_size; /* of the next block */
};

/* Maps the pages of a new block in one call: an arena's blocks are filled to the end, and
 * where the kernel is asked page by page (a fault each) that costs more than the filling,
 * several times more in a virtual machine. Only a hint: a kernel without
 * MADV_POPULATE_WRITE (before Linux 5.14) faults the pages in as they are used. */
static void populate(char *block, size_t size)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)block + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)block + size) & ~(page - 1);

	if (end > start)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)block;
	(void)size;
#endif
}

vigil_arena *vigil_arena_new(void)
{
	vigil_arena *a = g_new0(vigil_arena, 1);

	a->blocks = g_ptr_array_new_with_free_func(g_free);
	a->block_size = FIRST_BLOCK_SIZE;
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
		size_t size = MAX(need, a->block_size);
		char *block = g_malloc(size);

		populate(block, size);

		g_ptr_array_add(a->blocks, block);
		if (size > a->block_size)
			return block;
		a->next = block;
		a->left = size;
		a->block_size = MIN(a->block_size * 2, BLOCK_SIZE);
	}
	p = a->next;
	a->next += need;
	a->left -= need;
	return p;
}

char *vigil_arena_strdup(vigil_arena *a, const char *str)
{
	size_t n;

	if (str == NULL)
		return NULL;
	n = strlen(str) + 1;
	return memcpy(vigil_arena_alloc(a, n), str, n);
}

void vigil_arena_free(vigil_arena *a)
{
	if (a == NULL)
		return;
	g_ptr_array_unref(a->blocks);
	g_free(a);
}
