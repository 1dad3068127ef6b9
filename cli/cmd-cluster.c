/* 'vigil cluster setup NAME NODE[=ADDR]...': a working corosync.conf for a Vigil cluster, as
 * 'pcs cluster setup' writes one: knet, one ring, encryption with a generated key (unless
 * --no-encryption), votequorum with two_node for two nodes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli/cli.h"

#define DEFAULT_CONF "/etc/corosync/corosync.conf"
#define DEFAULT_KEY "/etc/corosync/authkey"
#define KEY_BYTES 256

typedef struct setup_args {
	char *output, *authkey;
	gboolean no_encryption, force;
	gint token_ms;
} setup_args;

static void setup_args_clear(setup_args *a)
{
	g_free(a->output);
	g_free(a->authkey);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(setup_args, setup_args_clear)

static bool valid_name(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 64)
		return false;
	for (; *s != '\0'; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

static char *conf_text(const char *name, char **nodes, int n, const setup_args *a)
{
	GString *t = g_string_new(NULL);

	g_string_append_printf(t, "# Written by 'vigil cluster setup %s'.\ntotem {\n\tversion: 2\n"
			       "\tcluster_name: %s\n\ttransport: knet\n", name, name);
	if (a->no_encryption) {
		g_string_append(t, "\tcrypto_cipher: none\n\tcrypto_hash: none\n");
	} else {
		g_string_append(t, "\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n");
		if (strcmp(a->authkey, DEFAULT_KEY) != 0)
			g_string_append_printf(t, "\tkeyfile: %s\n", a->authkey);
	}
	if (a->token_ms > 0)
		g_string_append_printf(t, "\ttoken: %d\n", a->token_ms);
	g_string_append(t, "}\n\nnodelist {\n");
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(nodes[i], '=');
		g_autofree char *node = eq != NULL ? g_strndup(nodes[i], (gsize)(eq - nodes[i]))
						   : g_strdup(nodes[i]);

		g_string_append_printf(t, "\tnode {\n\t\tring0_addr: %s\n\t\tname: %s\n"
				       "\t\tnodeid: %d\n\t}\n", eq != NULL ? eq + 1 : node, node, i + 1);
	}
	g_string_append(t, "}\n\nquorum {\n\tprovider: corosync_votequorum\n");
	if (n == 2)
		g_string_append(t, "\ttwo_node: 1\n");
	g_string_append(t, "}\n\nlogging {\n\tto_logfile: yes\n"
			   "\tlogfile: /var/log/corosync/corosync.log\n\tto_syslog: yes\n"
			   "\ttimestamp: on\n}\n");
	return g_string_free(t, FALSE);
}

/* KEY_BYTES random bytes, readable by root only, written atomically. */
static int write_key(const char *path, const char *what)
{
	g_autofree char *tmp = g_strconcat(path, ".vigil-tmp", NULL);
	guint8 key[KEY_BYTES];
	int fd = -1, in = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	bool ok = in >= 0 && read(in, key, sizeof(key)) == (ssize_t)sizeof(key);

	if (in >= 0)
		close(in);
	if (ok)
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0400);
	ok = ok && fd >= 0 && write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) &&
	     fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "%s: cannot write the key %s: %s.\n", what, path, g_strerror(errno));
		unlink(tmp);
		return VIGIL_EXIT_ERROR;
	}
	return 0;
}

static int cluster_setup(int argc, char **argv)
{
	const char *what = "vigil cluster setup";
	g_auto(setup_args) a = { 0 };
	const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &a.output,
		  "write corosync.conf here (default: " DEFAULT_CONF ")", "FILE" },
		{ "authkey", 0, 0, G_OPTION_ARG_FILENAME, &a.authkey,
		  "write the encryption key here (default: " DEFAULT_KEY ")", "FILE" },
		{ "no-encryption", 0, 0, G_OPTION_ARG_NONE, &a.no_encryption,
		  "no encryption of the cluster's traffic", NULL },
		{ "token", 0, 0, G_OPTION_ARG_INT, &a.token_ms,
		  "corosync's token timeout in milliseconds", "MS" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &a.force, "replace existing files", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("NAME NODE[=ADDR]... - write "
							     "corosync.conf for a Vigil cluster");
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "%s: %s; see '%s --help'.\n", what, err->message, what);
		return VIGIL_EXIT_USAGE;
	}
	if (a.output == NULL)
		a.output = g_strdup(DEFAULT_CONF);
	if (a.authkey == NULL)
		a.authkey = g_strdup(DEFAULT_KEY);
	if (argc < 3) {
		fprintf(stderr, "%s: give the cluster's name and its nodes: %s NAME NODE[=ADDR]...\n",
			what, what);
		return VIGIL_EXIT_USAGE;
	}
	if (!valid_name(argv[1])) {
		fprintf(stderr, "%s: '%s' cannot name a cluster: use letters, digits, '-', '_' or "
			"'.' (at most 64).\n", what, argv[1]);
		return VIGIL_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		g_autofree char *node = g_strndup(argv[i], strcspn(argv[i], "="));
		const char *eq = strchr(argv[i], '=');

		if (!valid_name(node) || (eq != NULL && eq[1] == '\0')) {
			fprintf(stderr, "%s: '%s' is not NODE or NODE=ADDRESS.\n", what, argv[i]);
			return VIGIL_EXIT_USAGE;
		}
		for (int j = 2; j < i; j++)
			if (strncmp(argv[j], node, strlen(node)) == 0 &&
			    (argv[j][strlen(node)] == '\0' || argv[j][strlen(node)] == '=')) {
				fprintf(stderr, "%s: node '%s' is given twice.\n", what, node);
				return VIGIL_EXIT_USAGE;
			}
	}
	if (argc - 2 > 16)
		fprintf(stderr, "%s: note: %d nodes; Vigil is made for 2 to 16.\n", what, argc - 2);
	if (!a.force && (g_file_test(a.output, G_FILE_TEST_EXISTS) ||
			 (!a.no_encryption && g_file_test(a.authkey, G_FILE_TEST_EXISTS)))) {
		fprintf(stderr, "%s: %s already exists; it may belong to a running cluster. Use "
			"--force to replace it.\n", what,
			g_file_test(a.output, G_FILE_TEST_EXISTS) ? a.output : a.authkey);
		return VIGIL_EXIT_ERROR;
	}
	text = conf_text(argv[1], argv + 2, argc - 2, &a);
	if (!a.no_encryption && write_key(a.authkey, what) != 0)
		return VIGIL_EXIT_ERROR;
	if (!g_file_set_contents(a.output, text, -1, &err)) {
		fprintf(stderr, "%s: cannot write %s: %s.\n", what, a.output, err->message);
		return VIGIL_EXIT_ERROR;
	}
	printf("Wrote %s for cluster '%s' (%d nodes%s)%s%s. Copy %s to every node, then start "
	       "corosync and vigild on each ('systemctl start corosync vigil').\n", a.output,
	       argv[1], argc - 2,
	       argc == 4 ? ", two_node" : "", a.no_encryption ? "" : " and the key ",
	       a.no_encryption ? "" : a.authkey,
	       a.no_encryption ? "it" : "both");
	return VIGIL_EXIT_OK;
}

int vigil_cmd_cluster(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "setup") == 0)
		return cluster_setup(argc - 1, argv + 1);
	fprintf(stderr, "vigil cluster: say what to do: 'vigil cluster setup NAME NODE...'.\n");
	return VIGIL_EXIT_USAGE;
}
