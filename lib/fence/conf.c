#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fence/conf.h"

/* A block: its assignments in order, and its blocks in order. */
typedef struct block {
	char *name;
	GPtrArray *keys, *values; /* char*, parallel */
	GPtrArray *blocks;        /* block* */
} block;

struct vigil_fconf {
	block *top;
};

static block *block_new(const char *name)
{
	block *b = g_new0(block, 1);

	b->name = g_strdup(name);
	b->keys = g_ptr_array_new_with_free_func(g_free);
	b->values = g_ptr_array_new_with_free_func(g_free);
	b->blocks = g_ptr_array_new();
	return b;
}

static void block_free(block *b)
{
	if (b == NULL)
		return;
	for (guint i = 0; i < b->blocks->len; i++)
		block_free(g_ptr_array_index(b->blocks, i));
	g_ptr_array_unref(b->blocks);
	g_ptr_array_unref(b->keys);
	g_ptr_array_unref(b->values);
	g_free(b->name);
	g_free(b);
}

void vigil_fconf_free(vigil_fconf *c)
{
	if (c == NULL)
		return;
	block_free(c->top);
	g_free(c);
}

/* ---- the parser ------------------------------------------------------------------------ */

typedef struct lexer {
	const char *p, *end;
	unsigned line;
	char *error;
} lexer;

static int fail(lexer *lx, const char *what)
{
	if (lx->error == NULL)
		lx->error = g_strdup_printf("line %u: %s", lx->line, what);
	return -EINVAL;
}

static void skip_space(lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->p++;
		} else if (g_ascii_isspace(*lx->p)) {
			lx->p++;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

static bool word_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '/';
}

/* A name or a bare value; NULL if there is none here. */
static char *word(lexer *lx)
{
	const char *start = lx->p;

	while (lx->p < lx->end && word_char(*lx->p))
		lx->p++;
	return lx->p > start ? g_strndup(start, (gsize)(lx->p - start)) : NULL;
}

/* A double-quoted value (no escapes, as fence_virtd's); or a bare word. */
static char *value(lexer *lx)
{
	const char *start;

	if (lx->p >= lx->end || *lx->p != '"')
		return word(lx);
	start = ++lx->p;
	while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n')
		lx->p++;
	if (lx->p >= lx->end || *lx->p != '"')
		return NULL;
	lx->p++;
	return g_strndup(start, (gsize)(lx->p - 1 - start));
}

static bool next_is(lexer *lx, char c)
{
	skip_space(lx);
	if (lx->p < lx->end && *lx->p == c) {
		lx->p++;
		return true;
	}
	return false;
}

static int parse_items(lexer *lx, block *into, unsigned depth, bool top);

static int parse_item(lexer *lx, block *into, unsigned depth)
{
	g_autofree char *name = word(lx);
	g_autofree char *v = NULL;
	g_autofree char *msg = NULL;

	if (name == NULL)
		return fail(lx, "expected a name, a block 'name { ... }' or 'key = \"value\";'");
	if (next_is(lx, '{')) {
		block *b = block_new(name);

		g_ptr_array_add(into->blocks, b);
		return parse_items(lx, b, depth + 1, false);
	}
	if (!next_is(lx, '=')) {
		msg = g_strdup_printf("expected '=' or '{' after '%s'", name);
		return fail(lx, msg);
	}
	skip_space(lx);
	v = value(lx);
	if (v == NULL) {
		msg = g_strdup_printf("the value of '%s' must be in double quotes, on one line", name);
		return fail(lx, msg);
	}
	if (!next_is(lx, ';')) {
		msg = g_strdup_printf("expected ';' after %s = \"%s\"", name, v);
		return fail(lx, msg);
	}
	g_ptr_array_add(into->keys, g_steal_pointer(&name));
	g_ptr_array_add(into->values, g_steal_pointer(&v));
	return 0;
}

static int parse_items(lexer *lx, block *into, unsigned depth, bool top)
{
	if (depth > 32)
		return fail(lx, "blocks nested more than 32 deep");
	for (;;) {
		int r;

		skip_space(lx);
		if (lx->p >= lx->end)
			return top ? 0 : fail(lx, "a block is not closed: '}' missing at the end");
		if (*lx->p == '}') {
			if (top)
				return fail(lx, "'}' closes no block");
			lx->p++;
			next_is(lx, ';'); /* "};" is taken too */
			return 0;
		}
		if ((r = parse_item(lx, into, depth)) < 0)
			return r;
	}
}

int vigil_fconf_parse(const char *text, size_t len, vigil_fconf **ret, char **ret_error)
{
	lexer lx = { .p = text, .end = text + len, .line = 1 };
	block *top = block_new("");

	if (memchr(text, '\0', len) != NULL) {
		block_free(top);
		*ret_error = g_strdup("the file holds a NUL byte: it is not a configuration");
		return -EINVAL;
	}
	if (parse_items(&lx, top, 0, true) < 0) {
		block_free(top);
		*ret_error = lx.error;
		return -EINVAL;
	}
	*ret = g_new0(vigil_fconf, 1);
	(*ret)->top = top;
	return 0;
}

/* ---- paths -------------------------------------------------------------------------------- */

/* "name[3]" into NAME and 3 (1 when there is no index); false if malformed. */
static bool segment(const char *s, char **ret_name, unsigned *ret_index)
{
	const char *br = strchr(s, '[');
	char *end;
	unsigned long n = 1;

	if (br != NULL) {
		n = strtoul(br + 1, &end, 10);
		if (end == br + 1 || strcmp(end, "]") != 0 || n == 0)
			return false;
	}
	*ret_name = br != NULL ? g_strndup(s, (gsize)(br - s)) : g_strdup(s);
	*ret_index = (unsigned)n;
	return (*ret_name)[0] != '\0';
}

/* The INDEX-th (1-based) element of NAMES equal to NAME, or -1; with INDEX 0, the count. */
static int nth(const GPtrArray *names, const char *name, unsigned index, bool blocks)
{
	unsigned seen = 0;

	for (guint i = 0; i < names->len; i++) {
		const char *n = blocks ? ((const block *)g_ptr_array_index(names, i))->name :
					 g_ptr_array_index(names, i);

		if (strcmp(n, name) == 0 && ++seen == index)
			return (int)i;
	}
	return index == 0 ? (int)seen : -1;
}

/* The block the segments name, or NULL. */
static const block *walk(const block *b, char **segs, guint n)
{
	for (guint i = 0; i < n && b != NULL; i++) {
		g_autofree char *name = NULL;
		unsigned idx;
		int at;

		if (segs[i][0] == '\0')
			continue;
		if (!segment(segs[i], &name, &idx))
			return NULL;
		at = nth(b->blocks, name, idx, true);
		b = at >= 0 ? g_ptr_array_index(b->blocks, at) : NULL;
	}
	return b;
}

const char *vigil_fconf_get(const vigil_fconf *c, const char *path)
{
	g_auto(GStrv) segs = g_strsplit(path, "/", -1);
	guint n = g_strv_length(segs);
	g_autofree char *key = NULL;
	const block *b;
	unsigned idx;
	int at;

	if (n == 0 || segs[n - 1][0] != '@' || !segment(segs[n - 1] + 1, &key, &idx))
		return NULL;
	b = walk(c->top, segs, n - 1);
	at = b != NULL ? nth(b->keys, key, idx, false) : -1;
	return at >= 0 ? g_ptr_array_index(b->values, at) : NULL;
}

unsigned vigil_fconf_count(const vigil_fconf *c, const char *path)
{
	g_auto(GStrv) segs = g_strsplit(path, "/", -1);
	guint n = g_strv_length(segs);
	g_autofree char *name = NULL;
	const block *b;
	unsigned idx;
	bool key;

	if (n == 0)
		return 0;
	key = segs[n - 1][0] == '@';
	if (!segment(segs[n - 1] + (key ? 1 : 0), &name, &idx))
		return 0;
	b = walk(c->top, segs, n - 1);
	if (b == NULL)
		return 0;
	return (unsigned)nth(key ? b->keys : b->blocks, name, 0, !key);
}

GPtrArray *vigil_fconf_keys(const vigil_fconf *c, const char *path)
{
	g_auto(GStrv) segs = g_strsplit(path, "/", -1);
	const block *b = walk(c->top, segs, g_strv_length(segs));
	GPtrArray *out;

	if (b == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < b->keys->len; i++)
		if (!g_ptr_array_find_with_equal_func(out, g_ptr_array_index(b->keys, i),
						      g_str_equal, NULL))
			g_ptr_array_add(out, g_strdup(g_ptr_array_index(b->keys, i)));
	for (guint i = 0; i < b->blocks->len; i++) {
		const char *n = ((const block *)g_ptr_array_index(b->blocks, i))->name;

		if (!g_ptr_array_find_with_equal_func(out, n, g_str_equal, NULL))
			g_ptr_array_add(out, g_strdup(n));
	}
	return out;
}
