/* Changing a CIB from the command line, as pcs does: on a file (-f FILE) or on the running
 * cluster's CIB through the local vigild. A change is made on the CIB's XML, then the
 * whole result is read again and checked as 'vigil config verify' checks a file; only a
 * valid result is written (the file atomically, the cluster's CIB by a replacement that
 * fails if the CIB changed meanwhile). */
#pragma once

#include <libxml/tree.h>

#include "cib/cib.h"

/* A C string as libxml2's xmlChar string. */
#define X(s) ((const xmlChar *)(s))

typedef struct edit_session {
	const char *what;        /* "vigil resource create", for messages */
	const char *file;        /* -f FILE, or NULL: the live CIB */
	xmlDoc *doc;             /* the CIB to change */
	vigil_cib *cib;          /* the same, read (before the change) */
	vigil_cib_version base;  /* live: the version read */
} edit_session;

/* Reads the CIB. 0, or the exit code after a one-line message. */
int edit_open(edit_session *s, const char *what, const char *file);
/* Checks the changed document and writes it. 0, or the exit code after the messages (the
 * CIB untouched). */
int edit_commit(edit_session *s);
void edit_close(edit_session *s);
/* Ends a command: commits when RC is 0 (printing DONE, if any, once committed), closes the
 * session, and returns the exit code. */
int edit_finish(edit_session *s, int rc, const char *done);

/* The first element NAME under PARENT (created, last, if CREATE). */
xmlNode *edit_child(xmlNode *parent, const char *name, bool create);
/* <configuration>'s section NAME ("resources", "crm_config", ...), created if missing. */
xmlNode *edit_section(edit_session *s, const char *name);
/* The element with id ID anywhere in the configuration, or NULL. */
xmlNode *edit_find_id(edit_session *s, const char *id);
/* The primitive or group ID, or NULL after a one-line message. */
xmlNode *edit_find_resource(edit_session *s, const char *id);
/* The <node> whose uname is UNAME, or NULL after a one-line message. */
xmlNode *edit_find_node(edit_session *s, const char *uname);
/* Whether ID is free in the configuration. */
bool edit_id_free(edit_session *s, const char *id);
/* Sets NAME=VALUE in the nvset SET (creating the nvpair with id SETID-NAME), or removes
 * it when VALUE is NULL; true if it was there. */
bool edit_nvpair(xmlNode *set, const char *name, const char *value);
/* The child nvset ELEMENT ("instance_attributes", "meta_attributes") of NODE, created
 * with id NODEID-ELEMENT if missing. */
xmlNode *edit_nvset(xmlNode *node, const char *element);

/* Splits "name=value": false (and a message) if there is no "=" or no name. */
bool edit_split_nv(const char *what, const char *arg, char **ret_name, char **ret_value);
