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
