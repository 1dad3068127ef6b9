/* libFuzzer target for what Vigil's fence code reads from others: a fence_xvm request
 * datagram (vigil_xvm_req_decode(), with and without a key), a host record of a list
 * (vigil_xvm_host_decode()), and fence_vigil's options on its standard input
 * (fv_opts_read()), and a host's fence_virt.conf (vigil_fconf_parse()). The first byte
 * of an input chooses which (modulo 4). Besides "no crash,
 * no leak, no undefined behaviour": a request that is accepted must encode again to one
 * that decodes to the same fields, and an accepted domain is a terminated string.
 *
 * Build: 'make fuzz'; run: tests/fuzz/fuzz-xvm.sh (see tests/fuzz/README.md). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "agents/fence_vigil/options.h"
#include "fence/conf.h"
#include "fence/xvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[] = "vigil fuzz key\n";

static void same_fields(const vigil_xvm_req *a, const vigil_xvm_req *b)
{
	if (a->op != b->op || a->hash != b->hash || a->family != b->family || a->port != b->port ||
	    a->seqno != b->seqno || strcmp(a->domain, b->domain) != 0 ||
	    memcmp(a->address, b->address, a->family == 0 ? 0 : a->family == 2 ? 4 : 16) != 0)
		abort();
}

static void fuzz_request(const uint8_t *data, size_t size)
{
	vigil_xvm_req r, back;
	uint8_t buf[VIGIL_XVM_REQ_SIZE];

	/* with the key: a random datagram almost never passes; without: its fields are read */
	(void)vigil_xvm_req_decode(data, size, key, sizeof(key) - 1, VIGIL_XVM_HASH_SHA256, &r);
	if (vigil_xvm_req_decode(data, size, NULL, 0, VIGIL_XVM_HASH_NONE, &r) != 0 ||
	    r.hash != VIGIL_XVM_HASH_NONE)
		return;
	if (strnlen(r.domain, sizeof(r.domain)) >= sizeof(r.domain))
		abort();
	for (vigil_xvm_hash h = VIGIL_XVM_HASH_NONE; h <= VIGIL_XVM_HASH_SHA512; h++) {
		r.hash = h;
		if (vigil_xvm_req_encode(&r, key, sizeof(key) - 1, buf) != 0 ||
		    vigil_xvm_req_decode(buf, sizeof(buf), key, sizeof(key) - 1, h, &back) != 0)
			abort();
		same_fields(&r, &back);
	}
}

static void fuzz_host(const uint8_t *data, size_t size)
{
	uint8_t rec[VIGIL_XVM_HOST_SIZE] = { 0 };
	char name[64], uuid[64];
	uint8_t state;

	memcpy(rec, data, MIN(size, sizeof(rec)));
	if (vigil_xvm_host_decode(rec, name, uuid, &state) == 0 &&
	    (strlen(name) > 63 || strlen(uuid) > 63))
		abort();
}

static void fuzz_options(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "r");
	FILE *err = fopen("/dev/null", "w");
	char *argv[] = { (char *)"fence_vigil", NULL };
	fv_opts o = { 0 };

	if (in != NULL && err != NULL)
		(void)fv_opts_read(1, argv, in, err, &o);
	if (in != NULL)
		fclose(in);
	if (err != NULL)
		fclose(err);
	fv_opts_clear(&o);
}

static void fuzz_conf(const uint8_t *data, size_t size)
{
	g_autoptr(vigil_fconf) c = NULL;
	g_autofree char *error = NULL;

	if (vigil_fconf_parse((const char *)data, size, &c, &error) == 0) {
		g_autoptr(GPtrArray) keys = vigil_fconf_keys(c, "");

		(void)vigil_fconf_get(c, "fence_virtd/@listener");
		(void)vigil_fconf_count(c, "groups/group[2]/@ip");
	} else if (error == NULL || strchr(error, '\n') != NULL) {
		abort(); /* a refusal always says why, on one line */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_request(data + 1, size - 1);
		break;
	case 1:
		fuzz_host(data + 1, size - 1);
		break;
	case 2:
		fuzz_options(data + 1, size - 1);
		break;
	default:
		fuzz_conf(data + 1, size - 1);
		break;
	}
	return 0;
}
