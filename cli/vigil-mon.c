/* vigil-mon: crm_mon's job. The cluster as the local vigild sees it, in crm_mon's layout,
 * once (-1) or redrawn whenever vigild says something changed: no polling. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <qb/qbipcc.h>

#include "cli/cli.h"
#include "ipc/ipc.h"

typedef struct mon {
	GMainLoop *loop;
	qb_ipcc_connection_t *conn;
	guint watch, retry;
	bool clear;      /* redraw the whole screen (a terminal) */
	int exit_code;
} mon;

static void draw(mon *m)
{
	g_autoptr(GString) out = g_string_new(NULL);
	int r = vigil_monitor_text(out);

	if (m->clear)
		fputs("\033[H\033[2J", stdout);
	if (r < 0)
		printf("vigil-mon: no answer from vigild on this node (%s); waiting for it.\n",
		       g_strerror(-r));
	else
		fputs(out->str, stdout);
	fflush(stdout);
}

static void disconnect(mon *m)
{
	if (m->watch != 0)
		g_source_remove(m->watch);
	m->watch = 0;
	if (m->conn != NULL)
		qb_ipcc_disconnect(m->conn);
	m->conn = NULL;
}

static gboolean try_connect(gpointer user);

static gboolean on_event(gint fd, GIOCondition cond, gpointer user)
{
	mon *m = user;
	char buf[256];
	bool changed = false;
	ssize_t n;

	while ((n = qb_ipcc_event_recv(m->conn, buf, sizeof(buf), 0)) > 0)
		changed = true;
	if (n < 0 && n != -EAGAIN && n != -ETIMEDOUT) {
		/* vigild went away: say so, and come back when it does */
		m->watch = 0;
		disconnect(m);
		draw(m);
		m->retry = g_timeout_add_seconds(1, try_connect, m);
		return G_SOURCE_REMOVE;
	}
	if (changed)
		draw(m);
	return G_SOURCE_CONTINUE;
}

/* Connects and subscribes; true (keep retrying) while vigild does not answer. */
static gboolean try_connect(gpointer user)
{
	mon *m = user;
	struct qb_ipc_request_header h = { .id = VIGIL_IPC_SUBSCRIBE };
	char reply[256];
	/* the request's body: a "v" holding "()", as vigil_ipc_call() sends it */
	g_autoptr(GVariant) args = g_variant_ref_sink(g_variant_new_variant(g_variant_new("()")));
	struct iovec iov[2];
	int fd, r = 0;

	m->conn = vigil_ipc_connect(VIGIL_IPC_SERVICE, &r);
	if (m->conn == NULL) {
		if (r == -EACCES || r == -EPERM) {
			m->exit_code = vigil_daemon_error("vigil-mon", r);
			g_main_loop_quit(m->loop);
			m->retry = 0;
			return G_SOURCE_REMOVE;
		}
		return G_SOURCE_CONTINUE;
	}
	h.size = (int32_t)(sizeof(h) + g_variant_get_size(args));
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ (void *)g_variant_get_data(args), g_variant_get_size(args) };
	if (qb_ipcc_sendv_recv(m->conn, iov, 2, reply, sizeof(reply), 5000) < 0 ||
	    qb_ipcc_fd_get(m->conn, &fd) < 0) {
		disconnect(m);
		return G_SOURCE_CONTINUE;
	}
	m->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_event, m);
	m->retry = 0;
	draw(m);
	return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer user)
{
	g_main_loop_quit(((mon *)user)->loop);
	return G_SOURCE_CONTINUE;
}

static int one_shot(void)
{
	g_autoptr(GString) out = g_string_new(NULL);
	int r = vigil_monitor_text(out);

	if (r < 0)
		return vigil_daemon_error("vigil-mon", r);
	fputs(out->str, stdout);
	return VIGIL_EXIT_OK;
}

/* --output-as=xml|json, once: of the live cluster, or of the CIB in FILE */
static int structured(const char *format, const char *file)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) history = NULL;
	g_autoptr(vigil_view) v = NULL;
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;
	gsize len = 0;
	int r;

	if (file != NULL) {
		if (!g_file_get_contents(file, &text, &len, &err)) {
			fprintf(stderr, "vigil-mon: cannot read %s: %s.\n", file, err->message);
			return VIGIL_EXIT_ERROR;
		}
		if (vigil_cib_parse(text, len, file, diags, &cib) < 0) {
			fprintf(stderr, "vigil-mon: %s is not a valid CIB: 'vigil config verify -x "
				"%s' says why.\n", file, file);
			return VIGIL_EXIT_CONFIG;
		}
	} else {
		r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS, NULL, 5000, &reply);
		if (r == 0)
			r = vigil_view_from_variant(reply, &v);
		if (r == 0)
			r = vigil_live_cib(&cib);
		if (r == 0)
			r = vigil_fence_history_fetch(&history);
		if (r < 0)
			return vigil_daemon_error("vigil-mon", r);
	}
	r = vigil_monitor_structured(cib, v, history, strcmp(format, "json") == 0, out);
	if (r < 0) {
		fprintf(stderr, "vigil-mon: cannot work out the cluster's state: %s.\n",
			g_strerror(-r));
		return VIGIL_EXIT_ERROR;
	}
	fputs(out->str, stdout);
	return VIGIL_EXIT_OK;
}

int main(int argc, char **argv)
{
	gboolean once = FALSE;
	g_autofree char *format = NULL, *file = NULL;
	const GOptionEntry entries[] = {
		{ "one-shot", '1', 0, G_OPTION_ARG_NONE, &once,
		  "show the cluster once and exit", NULL },
		{ "output-as", 0, 0, G_OPTION_ARG_STRING, &format,
		  "text (default), xml (crm_mon's) or json; xml and json show it once", "FORMAT" },
		{ "xml-file", 'x', 0, G_OPTION_ARG_FILENAME, &file,
		  "a CIB file instead of the live cluster (as crm_mon with CIB_file)", "FILE" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the cluster, as crm_mon shows it");
	g_autoptr(GError) err = NULL;
	mon m = { 0 };

	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "vigil-mon: %s; see 'vigil-mon --help'.\n", err->message);
		return VIGIL_EXIT_USAGE;
	}
	if (argc > 1) {
		fprintf(stderr, "vigil-mon: unexpected argument '%s'; see 'vigil-mon --help'.\n",
			argv[1]);
		return VIGIL_EXIT_USAGE;
	}
	if (format != NULL && strcmp(format, "text") != 0 && strcmp(format, "xml") != 0 &&
	    strcmp(format, "json") != 0) {
		fprintf(stderr, "vigil-mon: --output-as=%s: use text, xml or json.\n", format);
		return VIGIL_EXIT_USAGE;
	}
	if (format != NULL && strcmp(format, "text") != 0)
		return structured(format, file);
	if (file != NULL) {
		fprintf(stderr, "vigil-mon: -x FILE goes with --output-as=xml or json.\n");
		return VIGIL_EXIT_USAGE;
	}
	if (once)
		return one_shot();
	m.loop = g_main_loop_new(NULL, FALSE);
	m.clear = isatty(STDOUT_FILENO);
	g_unix_signal_add(SIGINT, on_signal, &m);
	g_unix_signal_add(SIGTERM, on_signal, &m);
	if (try_connect(&m)) {
		draw(&m);
		m.retry = g_timeout_add_seconds(1, try_connect, &m);
	}
	g_main_loop_run(m.loop);
	disconnect(&m);
	g_main_loop_unref(m.loop);
	return m.exit_code;
}
