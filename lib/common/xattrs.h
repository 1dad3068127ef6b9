/* Table-driven mapping between XML attributes and struct fields, with a place for
 * everything Vigil does not interpret, so that load -> save never drops anything. */
#pragma once

#include <stddef.h>
#include <glib.h>
#include <libxml/tree.h>

/* Attributes and child elements of one XML element that Vigil keeps verbatim. */
typedef struct vigil_extra {
	GPtrArray *attrs;    /* of vigil_xattr*, in document order */
	GPtrArray *children; /* of xmlNode* (deep copies, no document), in document order */
} vigil_extra;

typedef struct vigil_xattr {
	char *name;
	char *value;
} vigil_xattr;

/* One known attribute: its XML name and the offset of the 'char *' field holding it. */
typedef struct vigil_field {
	const char *name;
	size_t offset;
} vigil_field;

#define VIGIL_FIELD(type, xml_name, member) { xml_name, offsetof(type, member) }
#define VIGIL_FIELD_END { NULL, 0 }

/* Copies NODE's attributes into OBJ's string fields per FIELDS; the rest go to EXTRA. */
void vigil_fields_read(void *obj, const vigil_field *fields, const xmlNode *node,
		       vigil_extra *extra);
/* Writes OBJ's non-NULL fields, then EXTRA's attributes, onto NODE. */
void vigil_fields_write(const void *obj, const vigil_field *fields, xmlNode *node,
			const vigil_extra *extra);
/* Frees OBJ's string fields per FIELDS. */
void vigil_fields_free(void *obj, const vigil_field *fields);
/* Returns OBJ's field NAME's address, or NULL if FIELDS has no such attribute. */
char **vigil_fields_lookup(void *obj, const vigil_field *fields, const char *name);

/* A deep copy of NODE without its whitespace-only text (formatting). */
xmlNode *vigil_xml_copy(const xmlNode *node);
/* Keeps the attribute NAME=VALUE (copied) in EXTRA. */
void vigil_extra_add_attr(vigil_extra *extra, const char *name, const char *value);
/* Keeps a deep copy of CHILD in EXTRA. */
void vigil_extra_keep_child(vigil_extra *extra, const xmlNode *child);
/* Appends copies of EXTRA's kept children to NODE. */
void vigil_extra_write_children(const vigil_extra *extra, xmlNode *node);
/* Returns the kept attribute NAME, or NULL. */
const char *vigil_extra_attr(const vigil_extra *extra, const char *name);
void vigil_extra_clear(vigil_extra *extra);

/* Helpers for element names and attribute values. */
static inline const char *vigil_xml_name(const xmlNode *node)
{
	return (const char *)node->name;
}
gboolean vigil_xml_is(const xmlNode *node, const char *name);
/* Returns a newly allocated copy of attribute NAME of NODE, or NULL. */
char *vigil_xml_get(const xmlNode *node, const char *name);
