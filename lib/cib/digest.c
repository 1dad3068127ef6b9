/* Versioning as Pacemaker does it: (admin_epoch, epoch, num_updates), and a digest of the
 * configuration section that ignores status and formatting. */
#include "config.h"

#include <errno.h>

#include "cib/cib-private.h"

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int vigil_cib_version_cmp(const vigil_cib_version *a, const vigil_cib_version *b)
{
	int c = cmp_u64(a->admin_epoch, b->admin_epoch);

	if (c == 0)
		c = cmp_u64(a->epoch, b->epoch);
	if (c == 0)
		c = cmp_u64(a->num_updates, b->num_updates);
	return c;
}

void vigil_cib_bump_epoch(vigil_cib *cib)
{
	cib->version.epoch++;
	cib->version.num_updates = 0;
}

void vigil_cib_bump_num_updates(vigil_cib *cib)
{
	cib->version.num_updates++;
}

int vigil_cib_digest(const vigil_cib *cib, char **ret_hex)
{
	g_autofree char *text = NULL;
	int r;

	r = vigil_cib_configuration_to_xml(cib, &text);
	if (r < 0)
		return r;
	*ret_hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
	return *ret_hex != NULL ? 0 : -ENOMEM;
}
