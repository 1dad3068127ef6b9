/* Internals shared by cib.c, cib-read.c and cib-write.c. */
#pragma once

#include "cib/cib.h"

extern const vigil_field vigil_nvpair_fields[];
extern const vigil_field vigil_nvset_fields[];
extern const vigil_field vigil_expr_fields[];
extern const vigil_field vigil_rule_fields[];
extern const vigil_field vigil_node_fields[];
extern const vigil_field vigil_op_fields[];
extern const vigil_field vigil_primitive_fields[];
extern const vigil_field vigil_group_fields[];
extern const vigil_field vigil_constraint_fields[];
extern const vigil_field vigil_lrm_op_fields[];
extern const vigil_field vigil_lrm_rsc_fields[];
extern const vigil_field vigil_node_state_fields[];
extern const vigil_field vigil_cib_fields[];

void vigil_nvpair_free(vigil_nvpair *p);
void vigil_nvset_free(vigil_nvset *s);
void vigil_expr_free(vigil_expr *e);
void vigil_rule_free(vigil_rule *r);
void vigil_node_free(vigil_node *n);
void vigil_op_free(vigil_op *op);
void vigil_rsc_free(vigil_rsc *rsc);
void vigil_constraint_free(vigil_constraint *c);
void vigil_lrm_op_free(vigil_lrm_op *op);
void vigil_lrm_rsc_free(vigil_lrm_rsc *r);
void vigil_node_state_free(vigil_node_state *ns);

/* Array constructors whose elements are freed with the matching destructor. */
#define VIGIL_PTR_ARRAY(free_fn) g_ptr_array_new_with_free_func((GDestroyNotify)(free_fn))

/* Parses the typed values of an lrm_rsc_op from its strings. */
void vigil_lrm_op_parse_values(vigil_lrm_op *op);

/* Builds the <configuration> element of CIB. */
xmlNode *vigil_cib_configuration_node(const vigil_cib *cib);

/* Where the content of <status> lies in a document of DOC_LEN bytes: [START, END), and how
 * many newlines it holds. */
typedef struct vigil_status_span {
	size_t start, end, doc_len, lines;
} vigil_status_span;

/* The fast path for big status sections (status-read.c): reads the node_states of the
 * document DATA into *RET_STATES (their histories in *RET_ARENA, which must outlive them)
 * and says where the status content lies, or returns -EAGAIN when the document must be
 * read the general way. */
int vigil_status_fast_read(const char *data, size_t len, vigil_status_span *ret_span,
			   GPtrArray **ret_states, struct vigil_arena **ret_arena);
/* DATA with the status content replaced by as many newlines as it holds. */
char *vigil_status_reduced_doc(const char *data, const vigil_status_span *span, size_t *ret_len);

/* Where the status content of DATA probably is (cib-read.c): a cheap search, checked
 * against the status reader's span before anything relies on it. */
bool vigil_status_guess_span(const char *data, size_t len, vigil_status_span *ret);
bool vigil_status_span_equal(const vigil_status_span *a, const vigil_status_span *b);

/* A status of at least this many bytes is read beside the configuration, in two threads. */
#define VIGIL_CIB_PARALLEL_MIN_STATUS (128 * 1024)

/* How vigil_cib_parse_flags() reads: without the schema; only the general way, or the two
 * readers one after the other, or in two threads whatever the status' size (tests). */
typedef enum {
	VIGIL_CIB_PARSE_NO_VALIDATE = 1 << 0,
	VIGIL_CIB_PARSE_GENERAL_ONLY = 1 << 1,
	VIGIL_CIB_PARSE_SEQUENTIAL = 1 << 2,
	VIGIL_CIB_PARSE_PARALLEL = 1 << 3,
} vigil_cib_parse_flags_t;
int vigil_cib_parse_flags(const char *data, size_t len, const char *name, unsigned flags,
			  GPtrArray *diags, vigil_cib **ret_cib);
