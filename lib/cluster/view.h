/* A node's view of its partition: which configured nodes are members of the cluster's
 * process group, which count for quorum, whether the partition is quorate, and which
 * member is the Designated Controller. vigild keeps one; 'vigil status' and vigil-mon
 * read it over IPC. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

typedef struct vigil_view_node {
	uint32_t nodeid;
	char *name;     /* from corosync's nodelist; "node<ID>" for a member not in it */
	bool in_group;  /* its vigild is in the process group */
	bool in_quorum; /* corosync counts it in this partition's membership */
} vigil_view_node;

typedef struct vigil_view {
	char *cluster_name;
	uint32_t local_nodeid;
	uint32_t dc_nodeid;  /* 0: none (no member yet) */
	bool quorate;
	uint64_t ring_seq;   /* corosync's ring sequence of the last membership */
	GPtrArray *nodes;    /* of vigil_view_node*, ordered by nodeid */
} vigil_view;

vigil_view *vigil_view_new(void);
void vigil_view_free(vigil_view *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vigil_view, vigil_view_free)

/* The node NODEID, added (with NAME, or "node<ID>" when NAME is NULL) if it is not there. */
vigil_view_node *vigil_view_node_get(vigil_view *v, uint32_t nodeid, const char *name);
/* The node NODEID, or NULL. */
const vigil_view_node *vigil_view_node_find(const vigil_view *v, uint32_t nodeid);

/* Sets which nodes are in the process group: exactly the N ids of MEMBERS. */
void vigil_view_set_group(vigil_view *v, const uint32_t *members, size_t n);
/* Sets which nodes corosync counts in this partition, and whether it is quorate. */
void vigil_view_set_quorum(vigil_view *v, const uint32_t *members, size_t n, bool quorate,
			   uint64_t ring_seq);

/* The Designated Controller of a partition whose process group holds the N nodes MEMBERS:
 * the lowest node id. Every member computes it from the same agreed membership, so all
 * agree without an election; 0 when N is 0. */
uint32_t vigil_dc_choose(const uint32_t *members, size_t n);

/* The view as a GVariant of type VIGIL_VIEW_TYPE (version 1), and back. from_variant
 * checks the type and returns -EPROTO for anything else. */
#define VIGIL_VIEW_TYPE "(usuubta(usbb))"
#define VIGIL_VIEW_VERSION 1
GVariant *vigil_view_to_variant(const vigil_view *v);
int vigil_view_from_variant(GVariant *var, vigil_view **ret_view);

/* One line for the log: "members node1 node2 (ring 12), quorate; DC node1". */
char *vigil_view_describe(const vigil_view *v);
