/* 'vigil simulate': what-if injections into a CIB document (simulate-inject.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <libxml/tree.h>

typedef enum vigil_inject_node_kind {
	VIGIL_INJECT_UP,   /* a member, online */
	VIGIL_INJECT_DOWN, /* left the cluster cleanly */
	VIGIL_INJECT_FAIL, /* lost without warning: to be fenced */
} vigil_inject_node_kind;

/* Each returns 0, -ENOENT for an unknown node, or -ESRCH for an unknown resource. */
int vigil_inject_node(xmlDoc *doc, const char *uname, vigil_inject_node_kind kind);
int vigil_inject_node_attr(xmlDoc *doc, const char *uname, const char *name, const char *value);
/* Records TASK (interval INTERVAL_MS) of RSC on UNAME with exit code RC at NOW, with the
 * parameters' DIGEST (may be NULL); a result other than the expected one raises the
 * fail-count, as the cluster would. */
int vigil_inject_op(xmlDoc *doc, const char *rsc, const char *task, uint64_t interval_ms,
		    const char *uname, int rc, int64_t now, const char *digest);
/* UNAME was fenced: down, and nothing runs there. */
int vigil_inject_fenced(xmlDoc *doc, const char *uname);
int vigil_inject_quorum(xmlDoc *doc, bool quorum);
