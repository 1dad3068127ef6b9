/* A canonical form of an XML document, for checking that load -> save loses nothing:
 * attributes as sets; comments, processing instructions and blank text ignored; children
 * compared per element name in order (Pacemaker's schema interleaves most children),
 * except under <resources> and <constraints>, whose whole order carries meaning. */
#pragma once

#include <stddef.h>

/* The canonical form of the document in TEXT, or NULL if it does not parse. Caller frees. */
char *vigil_test_canon(const char *text, size_t len);
