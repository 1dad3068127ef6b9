/* The fast path for reading a CIB's status section.
 *
 * A running cluster's status section is most of its CIB: one lrm_rsc_op per resource, node
 * and operation (70,000 elements and 26 MB at 32 nodes x 2,000 resources). Building a
 * libxml2 tree of it, walking it, validating it against the schema (where it is "anything
 * goes") and freeing it took 90% of the time of planning a steady cluster. This reader
 * scans the document once and builds the status structs straight from the bytes; libxml2
 * then parses only the rest, with the status content replaced by as many newlines as it
 * had, so that line numbers are unchanged. The histories (lrm_resource, lrm_rsc_op) and
 * their strings go to an arena the CIB owns: one allocation per megabyte, not a dozen per
 * operation.
 *
 * It is deliberately narrow: it accepts only what it can prove libxml2 would read the same
 * way (ASCII names and values, the five predefined entities, comments, the elements
 * cib-read.c puts in structs) and returns -EAGAIN for anything else (a DOCTYPE, CDATA, a
 * processing instruction, a non-UTF-8 encoding, character references, non-ASCII bytes,
 * namespaces, text, an element kept verbatim, any well-formedness error). The caller then
 * reads the document the general way, which also produces the diagnostics. Replacing a
 * balanced, well-formed run of elements by whitespace keeps a document well-formed or
 * not-well-formed alike, so the result is the same either way; tests/unit/test-cib and the
 * fuzz target compare the two paths. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cib/cib-private.h"
#include "common/arena.h"

#define MAX_DEPTH 64
#define MAX_ATTRS 64

/* What an element inside <status> becomes. */
typedef enum {
	K_STATUS,
	K_NODE_STATE,
	K_LRM,
	K_LRM_RESOURCES,
	K_LRM_RESOURCE,
	K_LRM_OP,
	K_TRANSIENT,
	K_NVSET,
	K_NVPAIR,
} kind;

typedef struct text_span {
	const char *s;
	size_t len;
} text_span;

typedef struct attr {
	text_span name, value;
	bool decode; /* the value holds an entity reference */
} attr;

typedef struct frame {
	text_span name;
	kind kind;       /* inside status only */
	void *obj;       /* the struct this element fills, inside status only */
	bool seen_first; /* lrm / transient_attributes / lrm_resources already read */
} frame;

typedef struct scanner {
	const char *data, *p, *end;
	unsigned line;
	frame stack[MAX_DEPTH];
	unsigned depth;
	int status_depth; /* depth of <status> on the stack, or -1 outside it */
	bool seen_status;
	vigil_status_span *out;
	GPtrArray *node_states;
	vigil_arena *arena; /* histories: lrm_resource and lrm_rsc_op */
} scanner;

/* Byte classes: name start, name, whitespace. */
enum { C_NSTART = 1, C_NAME = 2, C_WS = 4 };
static guint8 classes[256];

static void init_classes(void)
{
	for (int c = 0; c < 256; c++) {
		guint8 k = 0;

		if (g_ascii_isalpha(c) || c == '_')
			k |= C_NSTART | C_NAME;
		if (g_ascii_isdigit(c) || c == '-' || c == '.')
			k |= C_NAME;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			k |= C_WS;
		classes[c] = k;
	}
}

static guint8 cls(char c)
{
	return classes[(unsigned char)c];
}

static bool span_is(text_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.s, lit, n) == 0;
}

static void skip_ws(scanner *sc)
{
	for (; sc->p < sc->end && (cls(*sc->p) & C_WS); sc->p++)
		if (*sc->p == '\n')
			sc->line++;
}

static bool at(const scanner *sc, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(sc->end - sc->p) >= n && memcmp(sc->p, lit, n) == 0;
}

/* <!-- ... -->, with no "--" inside. */
static int skip_comment(scanner *sc)
{
	const char *q;

	for (q = sc->p + 4; q + 1 < sc->end; q++) {
		if (q[0] == '-' && q[1] == '-')
			break;
		if (*q == '\n')
			sc->line++;
		else if ((unsigned char)*q >= 0x80 || ((unsigned char)*q < 0x20 && !(cls(*q) & C_WS)))
			return -EAGAIN;
	}
	if (q + 2 >= sc->end || q[2] != '>')
		return -EAGAIN;
	sc->p = q + 3;
	return 0;
}

static int scan_name(scanner *sc, text_span *ret)
{
	const char *s = sc->p;

	if (sc->p >= sc->end || !(cls(*sc->p) & C_NSTART))
		return -EAGAIN;
	while (sc->p < sc->end && (cls(*sc->p) & C_NAME))
		sc->p++;
	*ret = (text_span){ s, (size_t)(sc->p - s) };
	return 0;
}

/* Word-at-a-time byte tests (exact for whether any byte matches): a byte below N (N <= 128),
 * above N (N <= 127), equal to B. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
static uint64_t has_less(uint64_t x, unsigned n)
{
	return (x - ONES * n) & ~x & HIGHS;
}

static uint64_t has_more(uint64_t x, unsigned n)
{
	return ((x + ONES * (127 - n)) | x) & HIGHS;
}

static uint64_t has_byte(uint64_t x, unsigned char b)
{
	return has_less(x ^ (ONES * b), 1);
}

static int scan_value(scanner *sc, attr *a)
{
	char quote;
	const char *s, *q;
	unsigned char bad = 0, amp = 0;

	if (sc->p >= sc->end || (*sc->p != '"' && *sc->p != '\''))
		return -EAGAIN;
	quote = *sc->p++;
	s = sc->p;
	q = memchr(s, quote, (size_t)(sc->end - s));
	if (q == NULL)
		return -EAGAIN;
	/* '<', control characters and non-ASCII send the document the general way, '&' needs
	 * decoding: looked for eight bytes at a time */
	for (const char *c = s; c < q; c += 8) {
		uint64_t w = ONES * 'A'; /* past the value's end: 'A's, nothing to report */
		size_t n = MIN((size_t)(q - c), sizeof(w));

		memcpy(&w, c, n);
		bad |= (has_less(w, 0x20) | has_more(w, 0x7e) | has_byte(w, '<')) != 0;
		amp |= has_byte(w, '&') != 0;
	}
	if (bad)
		return -EAGAIN;
	a->decode = amp != 0;
	a->value = (text_span){ s, (size_t)(q - s) };
	sc->p = q + 1;
	return 0;
}

/* The attributes of a start tag, up to '>' or "/>". */
static int scan_attrs(scanner *sc, attr *attrs, unsigned *ret_n, bool *ret_empty)
{
	unsigned n = 0;

	for (;;) {
		const char *before = sc->p;

		skip_ws(sc);
		if (sc->p >= sc->end)
			return -EAGAIN;
		if (*sc->p == '>' || at(sc, "/>")) {
			*ret_empty = *sc->p == '/';
			sc->p += *ret_empty ? 2 : 1;
			*ret_n = n;
			return 0;
		}
		/* attributes are separated by whitespace */
		if (sc->p == before || n == MAX_ATTRS)
			return -EAGAIN;
		if (scan_name(sc, &attrs[n].name) < 0)
			return -EAGAIN;
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != '=')
			return -EAGAIN;
		sc->p++;
		skip_ws(sc);
		if (scan_value(sc, &attrs[n]) < 0)
			return -EAGAIN;
		n++;
	}
}

/* Writes A's value, with the five predefined entities replaced, and a NUL to DST (room for
 * the raw value and the NUL); returns the length written, or -EAGAIN for a character
 * reference or an undeclared entity. */
static ssize_t decode_into(char *dst, const attr *a)
{
	static const struct {
		const char *ref;
		char c;
	} entities[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
			 { "&quot;", '"' }, { "&apos;", '\'' } };
	size_t n = 0;

	if (!a->decode) {
		memcpy(dst, a->value.s, a->value.len);
		dst[a->value.len] = '\0';
		return (ssize_t)a->value.len;
	}
	for (size_t i = 0; i < a->value.len;) {
		size_t k;

		if (a->value.s[i] != '&') {
			dst[n++] = a->value.s[i++];
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(entities); k++) {
			size_t len = strlen(entities[k].ref);

			if (i + len <= a->value.len &&
			    memcmp(a->value.s + i, entities[k].ref, len) == 0) {
				dst[n++] = entities[k].c;
				i += len;
				break;
			}
		}
		if (k == G_N_ELEMENTS(entities))
			return -EAGAIN;
	}
	dst[n] = '\0';
	return (ssize_t)n;
}

static char *decode(const attr *a)
{
	char *s = g_malloc(a->value.len + 1);

	if (decode_into(s, a) < 0) {
		g_free(s);
		return NULL;
	}
	return s;
}

/* FIELDS' slot for NAME, looked for first where the previous attribute's slot was: writers
 * keep their attribute order, so this is nearly always the first comparison. */
static char **slot_for(void *obj, const vigil_field *fields, unsigned n, text_span name,
		       unsigned *hint)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (*hint + k) % n;

		if (fields[i].name[0] == name.s[0] && strncmp(fields[i].name, name.s, name.len) == 0 &&
		    fields[i].name[name.len] == '\0') {
			*hint = i + 1;
			return (char **)((char *)obj + fields[i].offset);
		}
	}
	return NULL;
}

static bool extra_has(const vigil_extra *extra, text_span name)
{
	for (guint i = 0; extra->attrs != NULL && i < extra->attrs->len; i++) {
		const vigil_xattr *x = g_ptr_array_index(extra->attrs, i);

		if (span_is(name, x->name))
			return true;
	}
	return false;
}

/* Fills OBJ's FIELDS from ATTRS, the rest into EXTRA, as vigil_fields_read() does. With
 * PACKED (room for every raw value and its NUL), the fields' strings are written there
 * instead of allocated one by one. */
static int read_attrs_into(void *obj, const vigil_field *fields, vigil_extra *extra,
			   const attr *attrs, unsigned n, char *packed)
{
	unsigned hint = 0, nfields = 0;

	while (fields[nfields].name != NULL)
		nfields++;
	for (unsigned i = 0; i < n; i++) {
		char **slot = slot_for(obj, fields, nfields, attrs[i].name, &hint);
		g_autofree char *value = NULL, *name = NULL;
		ssize_t len;

		/* a namespace declaration, or a repeated attribute: the general path reports it */
		if (attrs[i].name.len >= 5 && memcmp(attrs[i].name.s, "xmlns", 5) == 0)
			return -EAGAIN;
		if (slot != NULL ? *slot != NULL : extra_has(extra, attrs[i].name))
			return -EAGAIN;
		if (slot != NULL && packed != NULL) {
			if ((len = decode_into(packed, &attrs[i])) < 0)
				return -EAGAIN;
			*slot = packed;
			packed += len + 1;
			continue;
		}
		if ((value = decode(&attrs[i])) == NULL)
			return -EAGAIN;
		if (slot != NULL) {
			*slot = g_steal_pointer(&value);
			continue;
		}
		name = g_strndup(attrs[i].name.s, attrs[i].name.len);
		vigil_extra_add_attr(extra, name, value);
	}
	return 0;
}

static int read_attrs(void *obj, const vigil_field *fields, vigil_extra *extra, const attr *attrs,
		      unsigned n)
{
	return read_attrs_into(obj, fields, extra, attrs, n, NULL);
}

/* Room in ARENA for an object of SIZE and the values of ATTRS with their NULs. */
static void *arena_object(vigil_arena *arena, size_t size, const attr *attrs, unsigned n)
{
	size_t room = size;

	for (unsigned i = 0; i < n; i++)
		room += attrs[i].value.len + 1;
	/* only the object needs zeroing: the strings are written over */
	return memset(vigil_arena_alloc(arena, room), 0, size);
}

/* Histories go to the arena, with their strings: a big status holds one lrm_rsc_op per
 * resource, node and operation, with a dozen strings each. */
static vigil_lrm_op *read_op(scanner *sc, const attr *attrs, unsigned n, int *ret)
{
	vigil_lrm_op *op = arena_object(sc->arena, sizeof(*op), attrs, n);

	op->in_arena = true;
	*ret = read_attrs_into(op, vigil_lrm_op_fields, &op->extra, attrs, n, (char *)(op + 1));
	vigil_lrm_op_parse_values(op);
	return op;
}

static vigil_lrm_rsc *read_lrm_rsc(scanner *sc, const attr *attrs, unsigned n, int *ret)
{
	vigil_lrm_rsc *r = arena_object(sc->arena, sizeof(*r), attrs, n);

	r->in_arena = true;
	r->ops = VIGIL_PTR_ARRAY(vigil_lrm_op_free);
	*ret = read_attrs_into(r, vigil_lrm_rsc_fields, &r->extra, attrs, n, (char *)(r + 1));
	return r;
}

static const vigil_field id_field[] = { { "id", 0 }, VIGIL_FIELD_END };

/* The kind of element NAME is under PARENT, or -EAGAIN where cib-read.c would keep it
 * verbatim (or read it some other way): any child of an lrm_rsc_op or an nvpair, for one. */
static int child_kind(frame *parent, text_span name)
{
	switch (parent->kind) {
	case K_STATUS:
		return span_is(name, "node_state") ? K_NODE_STATE : -EAGAIN;
	case K_NODE_STATE: {
		vigil_node_state *ns = parent->obj;

		if (span_is(name, "lrm") && !ns->has_lrm)
			return K_LRM;
		if (span_is(name, "transient_attributes") && !ns->has_transient)
			return K_TRANSIENT;
		return -EAGAIN;
	}
	case K_LRM:
		return span_is(name, "lrm_resources") && !parent->seen_first ? K_LRM_RESOURCES :
									      -EAGAIN;
	case K_LRM_RESOURCES:
		return span_is(name, "lrm_resource") ? K_LRM_RESOURCE : -EAGAIN;
	case K_LRM_RESOURCE:
		return span_is(name, "lrm_rsc_op") ? K_LRM_OP : -EAGAIN;
	case K_TRANSIENT:
		return span_is(name, "instance_attributes") ? K_NVSET : -EAGAIN;
	case K_NVSET:
		return span_is(name, "nvpair") ? K_NVPAIR : -EAGAIN;
	default:
		return -EAGAIN;
	}
}

/* Builds the struct for a start tag inside status, of kind K under PARENT. */
static int status_element(scanner *sc, frame *parent, frame *f, const attr *attrs, unsigned n,
			  unsigned line)
{
	switch (f->kind) {
	case K_NODE_STATE: {
		vigil_node_state *ns = g_new0(vigil_node_state, 1);

		ns->lrm_rscs = VIGIL_PTR_ARRAY(vigil_lrm_rsc_free);
		ns->transient = VIGIL_PTR_ARRAY(vigil_nvset_free);
		g_ptr_array_add(sc->node_states, ns);
		f->obj = ns;
		return read_attrs(ns, vigil_node_state_fields, &ns->extra, attrs, n);
	}
	case K_LRM: {
		vigil_node_state *ns = parent->obj;

		ns->has_lrm = true;
		f->obj = ns;
		return read_attrs(&ns->lrm_id, id_field, &ns->lrm_extra, attrs, n);
	}
	case K_LRM_RESOURCES: {
		vigil_node_state *ns = parent->obj;

		parent->seen_first = true;
		ns->has_lrm_resources = true;
		f->obj = ns;
		return read_attrs(&ns->lrm_resources_id, id_field, &ns->lrm_resources_extra, attrs,
				  n);
	}
	case K_LRM_RESOURCE: {
		vigil_node_state *ns = parent->obj;
		int ret;

		f->obj = read_lrm_rsc(sc, attrs, n, &ret);
		g_ptr_array_add(ns->lrm_rscs, f->obj);
		return ret;
	}
	case K_LRM_OP: {
		vigil_lrm_rsc *r = parent->obj;
		int ret;

		g_ptr_array_add(r->ops, read_op(sc, attrs, n, &ret));
		return ret;
	}
	case K_TRANSIENT: {
		vigil_node_state *ns = parent->obj;

		ns->has_transient = true;
		f->obj = ns;
		return read_attrs(&ns->transient_id, id_field, &ns->transient_extra, attrs, n);
	}
	case K_NVSET: {
		vigil_node_state *ns = parent->obj;
		vigil_nvset *s = g_new0(vigil_nvset, 1);

		s->element = g_strdup("instance_attributes");
		s->nvpairs = VIGIL_PTR_ARRAY(vigil_nvpair_free);
		s->line = line;
		g_ptr_array_add(ns->transient, s);
		f->obj = s;
		return read_attrs(s, vigil_nvset_fields, &s->extra, attrs, n);
	}
	case K_NVPAIR: {
		vigil_nvset *s = parent->obj;
		vigil_nvpair *p = g_new0(vigil_nvpair, 1);

		p->line = line;
		g_ptr_array_add(s->nvpairs, p);
		return read_attrs(p, vigil_nvpair_fields, &p->extra, attrs, n);
	}
	default:
		return -EAGAIN;
	}
}

/* A start tag, '<' already seen at sc->p. */
static int start_tag(scanner *sc)
{
	attr attrs[MAX_ATTRS];
	unsigned n = 0, line = sc->line;
	bool empty = false;
	frame f = { 0 };
	int r;

	sc->p++;
	if (scan_name(sc, &f.name) < 0 || scan_attrs(sc, attrs, &n, &empty) < 0)
		return -EAGAIN;
	if (sc->depth == MAX_DEPTH)
		return -EAGAIN;
	if (sc->status_depth >= 0) {
		frame *parent = &sc->stack[sc->depth - 1];

		if ((r = child_kind(parent, f.name)) < 0)
			return r;
		f.kind = (kind)r;
		if ((r = status_element(sc, parent, &f, attrs, n, line)) < 0)
			return r;
	} else if (sc->depth == 1 && span_is(f.name, "status")) {
		if (sc->seen_status)
			return -EAGAIN;
		sc->seen_status = true;
		sc->out->start = sc->out->end = (size_t)(sc->p - sc->data);
		/* until the end tag: the line the content starts on */
		sc->out->lines = empty ? 0 : sc->line;
		if (!empty)
			sc->status_depth = (int)sc->depth;
		f.kind = K_STATUS;
	}
	if (!empty)
		sc->stack[sc->depth++] = f;
	return 0;
}

/* An end tag, "</" already seen at sc->p. */
static int end_tag(scanner *sc)
{
	const char *lt = sc->p;
	text_span name;

	sc->p += 2;
	if (sc->depth == 0 || scan_name(sc, &name) < 0)
		return -EAGAIN;
	if (name.len != sc->stack[sc->depth - 1].name.len ||
	    memcmp(name.s, sc->stack[sc->depth - 1].name.s, name.len) != 0)
		return -EAGAIN;
	skip_ws(sc);
	if (sc->p >= sc->end || *sc->p != '>')
		return -EAGAIN;
	sc->p++;
	sc->depth--;
	if ((int)sc->depth == sc->status_depth) {
		sc->out->end = (size_t)(lt - sc->data);
		sc->out->lines = sc->line - sc->out->lines;
		sc->status_depth = -1;
	}
	return 0;
}

/* <?xml version="1.0" encoding="UTF-8"?>: anything but UTF-8 (or none) goes the general way. */
static int xml_decl(scanner *sc)
{
	const char *close, *enc;

	if (!at(sc, "<?xml") || sc->end - sc->p < 6 || !(cls(sc->p[5]) & C_WS))
		return at(sc, "<?") ? -EAGAIN : 0;
	close = g_strstr_len(sc->p, sc->end - sc->p, "?>");
	if (close == NULL)
		return -EAGAIN;
	enc = g_strstr_len(sc->p, close - sc->p, "encoding");
	if (enc != NULL) {
		g_autofree char *decl = g_strndup(enc, (gsize)(close - enc));

		if (!g_regex_match_simple("^encoding\\s*=\\s*(\"UTF-8\"|'UTF-8')", decl,
					  G_REGEX_CASELESS, 0))
			return -EAGAIN;
	}
	for (const char *q = sc->p; q < close; q++) {
		if (*q == '\n')
			sc->line++;
		else if ((unsigned char)*q >= 0x80 || (*q == '<' && q != sc->p))
			return -EAGAIN;
	}
	sc->p = close + 2;
	return 0;
}

/* Whitespace and comments. */
static int skip_misc(scanner *sc)
{
	for (;;) {
		skip_ws(sc);
		if (!at(sc, "<!--"))
			return 0;
		if (skip_comment(sc) < 0)
			return -EAGAIN;
	}
}

static int scan(scanner *sc)
{
	if (xml_decl(sc) < 0 || skip_misc(sc) < 0)
		return -EAGAIN;
	if (sc->p >= sc->end || *sc->p != '<' || start_tag(sc) < 0 || sc->depth != 1)
		return -EAGAIN;
	while (sc->depth > 0) {
		int r;

		if (skip_misc(sc) < 0 || sc->p >= sc->end || *sc->p != '<')
			return -EAGAIN; /* text, or the end before the root is closed */
		if (sc->p + 1 < sc->end && sc->p[1] == '/')
			r = end_tag(sc);
		else if (sc->p + 1 < sc->end && (sc->p[1] == '!' || sc->p[1] == '?'))
			r = -EAGAIN; /* DOCTYPE, CDATA, processing instructions */
		else
			r = start_tag(sc);
		if (r < 0)
			return r;
	}
	if (skip_misc(sc) < 0 || sc->p != sc->end)
		return -EAGAIN;
	return 0;
}

int vigil_status_fast_read(const char *data, size_t len, vigil_status_span *ret_span,
			   GPtrArray **ret_states, vigil_arena **ret_arena)
{
	static gsize once = 0;
	scanner sc = { .data = data, .p = data, .end = data + len, .line = 1, .status_depth = -1 };
	/* freed after the states that point into it */
	g_autoptr(vigil_arena) arena = vigil_arena_new();
	g_autoptr(GPtrArray) states = VIGIL_PTR_ARRAY(vigil_node_state_free);

	if (g_once_init_enter(&once)) {
		init_classes();
		g_once_init_leave(&once, 1);
	}
	*ret_span = (vigil_status_span){ .doc_len = len };
	sc.out = ret_span;
	sc.node_states = states;
	sc.arena = arena;
	if (scan(&sc) < 0 || !sc.seen_status)
		return -EAGAIN;
	*ret_states = g_steal_pointer(&states);
	*ret_arena = g_steal_pointer(&arena);
	return 0;
}

char *vigil_status_reduced_doc(const char *data, const vigil_status_span *span, size_t *ret_len)
{
	size_t lines = span->lines, len;
	char *out, *q;

	len = span->start + lines + (span->doc_len - span->end);
	out = g_malloc(len + 1);
	memcpy(out, data, span->start);
	q = out + span->start;
	memset(q, '\n', lines);
	q += lines;
	memcpy(q, data + span->end, span->doc_len - span->end);
	out[len] = '\0';
	*ret_len = len;
	return out;
}
