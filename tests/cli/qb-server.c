/* A libqb IPC service named NAME run by whoever starts it, answering every request with an
 * empty reply: what another program could offer under vigild's name while vigild is down.
 * tests/cli/front.sh runs it as an unprivileged user to check that the CLI and vigil-mon
 * talk only to root's service. Prints "ready" once it serves. */
#include "config.h"

#include <stdio.h>
#include <glib.h>
#include <qb/qbipcs.h>

#include "ipc/ipc.h"

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	/* the shared memory, usable by the client's user */
	qb_ipcs_connection_auth_set(c, uid, gid, 0600);
	return 0;
}

static int32_t on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	const struct qb_ipc_request_header *h = data;
	struct qb_ipc_response_header r = { .id = h->id, .size = sizeof(r), .error = 0 };

	qb_ipcs_response_send(c, &r, sizeof(r));
	return 0;
}

int main(int argc, char **argv)
{
	struct qb_ipcs_service_handlers handlers = { .connection_accept = on_accept,
						     .msg_process = on_message };
	struct qb_ipcs_poll_handlers poll;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	qb_ipcs_service_t *s;

	if (argc != 2)
		return 2;
	s = qb_ipcs_create(argv[1], 0, QB_IPC_SOCKET, &handlers);
	if (s == NULL)
		return 1;
	vigil_ipc_glib_handlers(&poll);
	qb_ipcs_poll_handlers_set(s, &poll);
	if (qb_ipcs_run(s) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	g_main_loop_run(loop);
	return 0;
}
