/* libFuzzer target for what vigild reads from others: a local client's request
 * (vigil_ipc_parse_request()), the partition view a status reply carries
 * (vigil_view_from_variant()), and a peer's message through the process group
 * (vigil_wire_decode(), then the replicated CIB's state machine), and a request to the
 * front end's command socket (vigil_front_request_words()). The first byte of an input
 * chooses which (modulo 4); the rest is the message. A group message that decodes
 * must encode back to the same bytes. Besides "no crash, no leak, no undefined behaviour", a view that is accepted
 * must come back unchanged from a second round trip through from_variant/to_variant.
 *
 * Build: 'make fuzz'; run: tests/fuzz/fuzz-ipc.sh (see tests/fuzz/README.md). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "cluster/cibsync.h"
#include "cluster/view.h"
#include "cluster/wire.h"
#include "ipc/ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_request(const uint8_t *data, size_t size)
{
	g_autoptr(GVariant) args = NULL;
	int32_t id = 0;

	if (vigil_ipc_parse_request(data, size, &id, &args) == 0 && args == NULL)
		abort(); /* success must give arguments */
}

/* A command socket's request: every word ends inside the input, none is empty, and the
 * empty word that ends them is there. */
static void fuzz_front_request(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) w = vigil_front_request_words((const char *)data, size);
	size_t used = 0;

	for (guint i = 0; w != NULL && i < w->len; i++) {
		const char *word = g_ptr_array_index(w, i);

		if ((const uint8_t *)word != data + used || word[0] == '\0')
			abort();
		used += strlen(word) + 1;
	}
	if (w != NULL && (used >= size || data[used] != '\0'))
		abort();
}

static void fuzz_view(const uint8_t *data, size_t size)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, size);
	g_autoptr(GVariant) boxed = NULL, again = NULL, third = NULL;
	g_autoptr(vigil_view) v = NULL, w = NULL;

	boxed = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(VIGIL_VIEW_TYPE),
							    bytes, FALSE));
	if (vigil_view_from_variant(boxed, &v) < 0)
		return;
	/* the first trip orders the nodes by id and merges repeated ids; a second trip must
	 * change nothing */
	again = g_variant_ref_sink(vigil_view_to_variant(v));
	if (vigil_view_from_variant(again, &w) < 0) {
		fprintf(stderr, "fuzz-ipc: a view vigild writes is refused\n");
		abort();
	}
	third = g_variant_ref_sink(vigil_view_to_variant(w));
	if (!g_variant_equal(again, third)) {
		fprintf(stderr, "fuzz-ipc: a view does not survive a round trip\n");
		abort();
	}
}

static int ignore_send(void *ctx, const uint8_t *buf, size_t len)
{
	return 0;
}

static void ignore_adopt(void *ctx, const char *data, size_t len, const vigil_cib_version *v)
{
}

static void ignore_decided(void *ctx, uint64_t request, int result)
{
}

static void fuzz_group_message(const uint8_t *data, size_t size)
{
	static const vigil_cibsync_ops ops = { ignore_send, ignore_adopt, ignore_decided };
	const vigil_cib_version v = { 0, 1, 0 };
	const uint32_t members[] = { 1, 2 };
	g_autoptr(vigil_cibsync) s = NULL;
	g_autofree uint8_t *again = NULL;
	vigil_wire_msg m;
	size_t len = 0;

	if (vigil_wire_decode(data, size, &m) == 0) {
		again = vigil_wire_encode(&m, &len);
		if (len != size || memcmp(again, data, size) != 0) {
			fprintf(stderr, "fuzz-ipc: a group message does not encode back to its "
				"bytes\n");
			abort();
		}
	}
	/* the same bytes from the peer, in every phase of a sync */
	s = vigil_cibsync_new(1, "<cib/>", 6, &v, &ops, NULL);
	vigil_cibsync_deliver(s, 2, data, size);
	vigil_cibsync_membership(s, members, 2);
	vigil_cibsync_deliver(s, 2, data, size);
	vigil_cibsync_deliver(s, 2, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_request(data + 1, size - 1); break;
	case 1: fuzz_view(data + 1, size - 1); break;
	case 2: fuzz_group_message(data + 1, size - 1); break;
	default: fuzz_front_request(data + 1, size - 1); break;
	}
	return 0;
}
