/* 'vigil cluster setup NAME NODE[=ADDR]...': a working corosync.conf for a Vigil cluster, as
 * 'pcs cluster setup' writes one: knet, one ring, encryption with a generated key (unless
 * --no-encryption), votequorum with two_node for two nodes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <corosync/cmap.h>
#include <glib/gstdio.h>

#include "cli/cli.h"
#include "ipc/ipc.h"

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

/* ---- cluster stop --------------------------------------------------------------------- */

#define STOP_WAIT_S (20 * 60) /* shutdown-escalation's default: vigild leaves by then */

/* Whether the local vigild still answers. */
static bool daemon_up(void)
{
	g_autoptr(GVariant) reply = NULL;

	return vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS, NULL, 2000, &reply) !=
	       -ECONNREFUSED;
}

static int cluster_stop(int argc, char **argv)
{
	const char *what = "vigil cluster stop";
	gboolean all = FALSE, keep_corosync = FALSE;
	GOptionEntry entries[] = {
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all, "every node of the cluster", NULL },
		{ "keep-corosync", 0, 0, G_OPTION_ARG_NONE, &keep_corosync,
		  "stop vigild only", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(GVariant) reply = NULL;
	int r;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_help_enabled(ctx, FALSE);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 1) {
		fprintf(stderr, "%s: usage: vigil cluster stop [--all] [--keep-corosync]%s%s.\n",
			what, err != NULL ? ": " : "", err != NULL ? err->message : "");
		return VIGIL_EXIT_USAGE;
	}
	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_SHUTDOWN,
			   g_variant_new("(bb)", all, !keep_corosync), 5000, &reply);
	if (r == -ECONNREFUSED) {
		printf("vigild is not running on this node: nothing to stop%s.\n",
		       all ? " from here; run the command on a node of the cluster" : "");
		return all ? VIGIL_EXIT_UNAVAILABLE : VIGIL_EXIT_OK;
	}
	if (r < 0)
		return vigil_daemon_error(what, r);
	printf("Stopping %s: resources move away first (or stop, for the whole cluster)...\n",
	       all ? "the cluster on every node" : "this node");
	fflush(stdout);
	for (int t = 0; t < STOP_WAIT_S * 10 && daemon_up(); t++)
		g_usleep(100000);
	if (daemon_up()) {
		fprintf(stderr, "%s: vigild on this node has not stopped; see its log ('journalctl "
			"-u vigil').\n", what);
		return VIGIL_EXIT_TIMEOUT;
	}
	printf("Stopped vigild%s on this node%s.\n", keep_corosync ? "" : " and corosync",
	       all ? "; the other nodes stop as soon as their resources are stopped" : "");
	return VIGIL_EXIT_OK;
}

/* ---- cluster start -------------------------------------------------------------------- */

#define START_WAIT_S 60

static bool systemd_running(void)
{
	return access("/run/systemd/system", F_OK) == 0;
}

/* Runs ARGV to its end: 0, or -1 with its last line of error output in *RET_ERR. */
static int run_sync(const char *const *argv, char **ret_err)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *out = NULL, *errtext = NULL;
	gint status = 0;

	if (!g_spawn_sync("/", (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
			  &errtext, &status, &err)) {
		*ret_err = g_strdup(err->message);
		return -1;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_strstrip(errtext);
		*ret_err = g_strdup(errtext[0] != '\0' ? errtext : "it failed");
		if (strchr(*ret_err, '\n') != NULL)
			*strrchr(*ret_err, '\n') = '\0';
		return -1;
	}
	return 0;
}

static void new_session(gpointer user)
{
	setsid();
}

/* vigild as a daemon of its own (no systemd to run it): options from VIGILD_OPTIONS, as
 * /etc/default/vigil gives them to the unit. */
static int spawn_vigild(char **ret_err)
{
	const char *opts = g_getenv("VIGILD_OPTIONS");
	const char *path = g_getenv("VIGILD") != NULL ? g_getenv("VIGILD") : SBINDIR "/vigild";
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) extra = NULL;
	g_autoptr(GError) err = NULL;

	g_ptr_array_add(argv, g_strdup(path));
	if (opts != NULL && !g_shell_parse_argv(opts, NULL, &extra, &err)) {
		*ret_err = g_strdup_printf("VIGILD_OPTIONS: %s", err->message);
		return -1;
	}
	if (opts == NULL || (strstr(opts, "--logfile") == NULL && strstr(opts, "--syslog") == NULL))
		g_ptr_array_add(argv, g_strdup("--syslog"));
	for (char **e = extra; e != NULL && *e != NULL; e++)
		g_ptr_array_add(argv, g_strdup(*e));
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_async("/", (char **)argv->pdata, NULL,
			   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL |
				   G_SPAWN_STDIN_FROM_DEV_NULL,
			   new_session, NULL, NULL, &err)) {
		*ret_err = g_strdup(err->message);
		return -1;
	}
	return 0;
}

static guint online_count(const vigil_view *v)
{
	guint online = 0;

	for (guint i = 0; i < v->nodes->len; i++)
		online += ((const vigil_view_node *)g_ptr_array_index(v->nodes, i))->in_group;
	return online;
}

/* The local vigild's view once it is in a partition with a DC and at least WANT members,
 * within SECONDS; -ETIMEDOUT without a DC by then, and -EAGAIN (*RET_VIEW set) with a DC
 * but fewer members. */
static int wait_member(int seconds, guint want, vigil_view **ret_view)
{
	g_autoptr(vigil_view) last = NULL;

	for (int t = 0; t < seconds * 10; t++) {
		g_autoptr(GVariant) reply = NULL;
		g_autoptr(vigil_view) v = NULL;

		if (vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_STATUS, NULL, 2000, &reply) == 0 &&
		    vigil_view_from_variant(reply, &v) == 0 && v->dc_nodeid != 0) {
			if (online_count(v) >= want) {
				*ret_view = g_steal_pointer(&v);
				return 0;
			}
			g_clear_pointer(&last, vigil_view_free);
			last = g_steal_pointer(&v);
		}
		g_usleep(100000);
	}
	if (last == NULL)
		return -ETIMEDOUT;
	*ret_view = g_steal_pointer(&last);
	return -EAGAIN;
}

/* corosync, then vigild, on this node (no waiting): 0, or the exit code after the message. */
static int start_here(const char *what)
{
	g_autofree char *why = NULL;

	if (systemd_running()) {
		const char *const cmd[] = { "systemctl", "start", "corosync.service",
					    "vigil.service", NULL };

		if (run_sync(cmd, &why) < 0) {
			fprintf(stderr, "%s: systemctl start corosync vigil failed: %s.\n", what, why);
			return VIGIL_EXIT_ERROR;
		}
	} else {
		const char *const status[] = { "corosync-cfgtool", "-s", NULL };
		const char *const start[] = { "corosync", NULL };
		g_autofree char *ignored = NULL;

		/* no systemd: corosync daemonizes itself; vigild is started in a session of
		 * its own */
		if (run_sync(status, &ignored) < 0 && run_sync(start, &why) < 0) {
			fprintf(stderr, "%s: corosync did not start: %s; check "
				"/etc/corosync/corosync.conf ('vigil cluster setup').\n", what, why);
			return VIGIL_EXIT_ERROR;
		}
		if (spawn_vigild(&why) < 0) {
			fprintf(stderr, "%s: cannot start vigild: %s.\n", what, why);
			return VIGIL_EXIT_ERROR;
		}
	}
	return VIGIL_EXIT_OK;
}

/* "N of M nodes online, DC X, with quorum" of view V. */
static char *view_summary(const vigil_view *v)
{
	const vigil_view_node *dc = vigil_view_node_find(v, v->dc_nodeid);

	return g_strdup_printf("%u of %u nodes online, DC %s, %s", online_count(v), v->nodes->len,
			       dc != NULL ? dc->name : "?",
			       v->quorate ? "with quorum" : "WITHOUT quorum");
}

/* ---- cluster start --all: the other nodes over ssh ---------------------------------------
 * As crmsh does it: 'vigil cluster start' run on each other node of corosync's nodelist by
 * ssh (BatchMode: keys, never a password prompt), all at once. The ssh command is
 * $VIGIL_SSH ("ssh" by default; e.g. "ssh -i /root/.ssh/cluster_key"). */

#define SSH_FAILED 255 /* ssh's own exit code when it cannot run the command there */
#define CMAP_WAIT_S 20

typedef struct peer {
	char *name, *addr;
	int wait_s;
	GThread *thread;
	int exit_code;   /* of the remote command, SSH_FAILED, or -1 (ssh did not run) */
	char *said;      /* its last line (standard output on success, else errors) */
} peer;

static void peer_free(peer *p)
{
	g_free(p->name);
	g_free(p->addr);
	g_free(p->said);
	g_free(p);
}

/* The last non-empty line of TEXT, or NULL. */
static char *last_line(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);

	for (guint i = g_strv_length(lines); i > 0; i--) {
		g_strstrip(lines[i - 1]);
		if (lines[i - 1][0] != '\0')
			return g_strdup(lines[i - 1]);
	}
	return NULL;
}

static gpointer peer_start(gpointer user)
{
	peer *p = user;
	const char *cmd = g_getenv("VIGIL_SSH");
	g_auto(GStrv) base = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *out = NULL, *errtext = NULL;
	gint status = 0;

	if (!g_shell_parse_argv(cmd != NULL && cmd[0] != '\0' ? cmd : "ssh", NULL, &base, &err)) {
		p->exit_code = -1;
		p->said = g_strdup_printf("VIGIL_SSH: %s", err->message);
		return NULL;
	}
	for (char **b = base; *b != NULL; b++)
		g_ptr_array_add(argv, g_strdup(*b));
	g_ptr_array_add(argv, g_strdup("-o"));
	g_ptr_array_add(argv, g_strdup("BatchMode=yes"));
	g_ptr_array_add(argv, g_strdup("-o"));
	g_ptr_array_add(argv, g_strdup("ConnectTimeout=10"));
	g_ptr_array_add(argv, g_strdup(p->addr));
	g_ptr_array_add(argv, g_strdup_printf("vigil cluster start --wait=%d", p->wait_s));
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync("/", (char **)argv->pdata, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &out,
			  &errtext, &status, &err)) {
		p->exit_code = -1;
		p->said = g_strdup(err->message);
		return NULL;
	}
	p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : SSH_FAILED;
	p->said = last_line(p->exit_code == 0 ? out : errtext);
	if (p->said == NULL)
		p->said = last_line(p->exit_code == 0 ? errtext : out);
	return NULL;
}

/* The other nodes of corosync's nodelist (running here), each with the address to reach it
 * at: ring0_addr, else its name. */
static int read_peers(const char *what, GPtrArray *peers)
{
	cmap_handle_t cmap;
	cmap_iter_handle_t it;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	uint32_t here = UINT32_MAX;

	/* corosync, just started, takes a moment before it answers */
	for (int t = 0; cmap_initialize(&cmap) != CS_OK; t++) {
		if (t == CMAP_WAIT_S * 10) {
			fprintf(stderr, "%s: corosync does not answer on this node (cmap) within %d s; "
				"see its log.\n", what, CMAP_WAIT_S);
			return VIGIL_EXIT_UNAVAILABLE;
		}
		g_usleep(100000);
	}
	cmap_get_uint32(cmap, "nodelist.local_node_pos", &here);
	if (cmap_iter_init(cmap, "nodelist.node.", &it) == CS_OK) {
		while (cmap_iter_next(cmap, it, key, NULL, NULL) == CS_OK) {
			char k2[CMAP_KEYNAME_MAXLEN + 32];
			char *name = NULL, *addr = NULL;
			unsigned idx;
			peer *p;

			if (sscanf(key, "nodelist.node.%u.", &idx) != 1 ||
			    !g_str_has_suffix(key, ".nodeid") || idx == here)
				continue;
			g_snprintf(k2, sizeof(k2), "nodelist.node.%u.name", idx);
			cmap_get_string(cmap, k2, &name);
			g_snprintf(k2, sizeof(k2), "nodelist.node.%u.ring0_addr", idx);
			cmap_get_string(cmap, k2, &addr);
			if (name == NULL && addr == NULL)
				continue;
			p = g_new0(peer, 1);
			p->name = g_strdup(name != NULL ? name : addr);
			p->addr = g_strdup(addr != NULL ? addr : name);
			g_ptr_array_add(peers, p);
			free(name);
			free(addr);
		}
		cmap_iter_finalize(cmap, it);
	}
	cmap_finalize(cmap);
	if (here == UINT32_MAX) {
		fprintf(stderr, "%s: corosync does not find this node in its nodelist; check "
			"/etc/corosync/corosync.conf ('vigil cluster setup').\n", what);
		return VIGIL_EXIT_CONFIG;
	}
	return VIGIL_EXIT_OK;
}

/* 'vigil cluster start' on every other node at once; the number that failed. */
static guint start_peers(const char *what, GPtrArray *peers, int wait_s)
{
	guint failed = 0;

	for (guint i = 0; i < peers->len; i++) {
		peer *p = g_ptr_array_index(peers, i);

		p->wait_s = wait_s;
		p->thread = g_thread_new("vigil-ssh", peer_start, p);
	}
	for (guint i = 0; i < peers->len; i++) {
		peer *p = g_ptr_array_index(peers, i);
		const char *said;

		g_thread_join(p->thread);
		said = p->said != NULL ? p->said : "it said nothing";
		if (p->exit_code == 0) {
			printf("%s: %s\n", p->name, said);
			continue;
		}
		failed++;
		if (p->exit_code == SSH_FAILED || p->exit_code < 0)
			fprintf(stderr, "%s: cannot reach %s at %s by ssh (%s); give root key-based "
				"ssh between the nodes (ssh-copy-id, or VIGIL_SSH for another key), "
				"or run 'vigil cluster start' there.\n", what, p->name, p->addr, said);
		else
			fprintf(stderr, "%s: on %s (exit %d): %s\n", what, p->name, p->exit_code,
				said);
	}
	return failed;
}

static int cluster_start(int argc, char **argv)
{
	const char *what = "vigil cluster start";
	int wait_s = vigil_wait_seconds > 0 ? vigil_wait_seconds : START_WAIT_S;
	g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func((GDestroyNotify)peer_free);
	g_autoptr(vigil_view) v = NULL;
	g_autofree char *summary = NULL;
	bool all = argc == 2 && strcmp(argv[1], "--all") == 0;
	bool was_up;
	guint failed = 0;
	int r;

	if (argc != 1 && !all) {
		fprintf(stderr, "%s: usage: vigil cluster start [--all] [--wait=SECONDS].\n", what);
		return VIGIL_EXIT_USAGE;
	}
	was_up = daemon_up();
	if (was_up && !all) {
		printf("vigild is already running on this node.\n");
		return VIGIL_EXIT_OK;
	}
	if (!was_up && (r = start_here(what)) != 0)
		return r;
	if (all) {
		if ((r = read_peers(what, peers)) != 0)
			return r;
		failed = start_peers(what, peers, wait_s);
	}
	/* with --all: until the nodes started are one partition */
	r = wait_member(wait_s, all ? 1 + peers->len - failed : 1, &v);
	if (r == -ETIMEDOUT) {
		fprintf(stderr, "%s: vigild did not join a cluster partition within %d s; see its "
			"log.\n", what, wait_s);
		return VIGIL_EXIT_TIMEOUT;
	}
	summary = view_summary(v);
	if (r < 0) {
		fprintf(stderr, "%s: the nodes started are not one partition after %d s (%s); "
			"check the network between them ('corosync-cfgtool -s').\n", what, wait_s,
			summary);
		return VIGIL_EXIT_TIMEOUT;
	}
	if (!all) {
		printf("Started corosync and vigild on this node: %s.\n", summary);
		return VIGIL_EXIT_OK;
	}
	printf("%s corosync and vigild on this node; the cluster: %s.\n",
	       was_up ? "Already running:" : "Started", summary);
	if (failed > 0) {
		fprintf(stderr, "%s: %u of %u other nodes did not start (above).\n", what, failed,
			peers->len);
		return VIGIL_EXIT_ERROR;
	}
	return VIGIL_EXIT_OK;
}

int vigil_cmd_cluster(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "start") == 0)
		return cluster_start(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "setup") == 0)
		return cluster_setup(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "stop") == 0)
		return cluster_stop(argc - 1, argv + 1);
	fprintf(stderr, "vigil cluster: say what to do: 'vigil cluster setup NAME NODE...', "
		"'vigil cluster start [--all]' or 'vigil cluster stop [--all]'.\n");
	return VIGIL_EXIT_USAGE;
}
