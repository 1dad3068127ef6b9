/* vigil config verify|show|export|import: on a CIB file (-x FILE) or on the running
 * cluster's CIB, through the local vigild. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cib/verify.h"
#include "cli/cli.h"
#include "ipc/ipc.h"

/* What the live CIB is called in messages. */
#define LIVE_NAME "the live CIB"

void vigil_print_diag(FILE *out, const char *file, const vigil_diag *d)
{
	const char *sev = d->severity == VIGIL_ERROR ? "error" : "warning";

	fputs(file, out);
	if (d->line > 0)
		fprintf(out, ":%u", d->line);
	if (d->element != NULL)
		fprintf(out, ": element %s", d->element);
	fprintf(out, ": %s: %s\n", sev, d->message);
}

typedef struct config_args {
	char *xml_file;
	gboolean as_xml;
} config_args;

static void config_args_clear(config_args *a)
{
	g_clear_pointer(&a->xml_file, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(config_args, config_args_clear)

/* Parses the options common to 'config verify' and 'config show'. */
static int parse_args(const char *cmd, int argc, char **argv, config_args *a, bool xml_opt)
{
	GOptionEntry entries[] = {
		{ "xml-file", 'x', 0, G_OPTION_ARG_FILENAME, &a->xml_file,
		  "Read the CIB from FILE", "FILE" },
		{ xml_opt ? "xml" : NULL, 0, 0, G_OPTION_ARG_NONE, &a->as_xml,
		  "Print the CIB as XML, as Vigil writes it", NULL },
		{ NULL }
	};
	g_autofree char *summary = g_strdup_printf("- vigil config %s", cmd);
	g_autoptr(GOptionContext) ctx = g_option_context_new(summary);
	g_autoptr(GError) err = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "vigil config %s: %s; see 'vigil config %s --help'.\n", cmd,
			err->message, cmd);
		return -EINVAL;
	}
	if (argc > 1) {
		fprintf(stderr, "vigil config %s: unexpected argument '%s'; see 'vigil config %s "
			"--help'.\n", cmd, argv[1], cmd);
		return -EINVAL;
	}
	return 0;
}

/* Loads FILE, or the live CIB when FILE is NULL, printing load diagnostics. Returns 0,
 * -ECONNREFUSED when the live CIB cannot be had (already said), or the library's -errno. */
static int load(const char *cmd, const char *file, vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autofree char *what = g_strdup_printf("vigil config %s", cmd);
	g_autofree char *text = NULL;
	int r;

	if (file != NULL) {
		r = vigil_cib_load_file(file, diags, ret_cib);
	} else {
		if (vigil_live_query(what, &text, NULL) != 0)
			return -ECONNREFUSED;
		r = vigil_cib_parse(text, strlen(text), LIVE_NAME, diags, ret_cib);
	}
	for (guint i = 0; r < 0 && i < diags->len; i++)
		vigil_print_diag(stderr, file != NULL ? file : LIVE_NAME,
				 g_ptr_array_index(diags, i));
	return r;
}

/* The exit code and closing message for a failed load. */
static int load_failed(const char *cmd, const char *file, int r)
{
	if (file == NULL)
		file = LIVE_NAME;
	switch (r) {
	case -ECONNREFUSED:
		return VIGIL_EXIT_UNAVAILABLE;
	case -ENOENT: case -EACCES: case -EISDIR: case -EIO: case -EFBIG:
		fprintf(stderr, "vigil config %s: cannot read %s; check the path.\n", cmd, file);
		return VIGIL_EXIT_ERROR;
	case -EBADMSG:
		fprintf(stderr, "vigil config %s: Errors found during check: %s cannot be read "
			"as XML; fix the reported line.\n", cmd, file);
		return VIGIL_EXIT_CONFIG;
	default:
		fprintf(stderr, "vigil config %s: Errors found during check: %s is not a valid "
			"CIB; fix the reported elements.\n", cmd, file);
		return VIGIL_EXIT_CONFIG;
	}
}

/* After a schema violation, Vigil's own checks usually say more precisely what is wrong
 * (a duplicate id, an empty group, an op without interval): print their errors too. */
static void explain_schema_failure(const char *file)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	if (file == NULL || !g_file_get_contents(file, &data, &len, NULL) ||
	    vigil_cib_parse_unvalidated(data, len, file, diags, &cib) < 0)
		return;
	vigil_cib_verify(cib, (int64_t)time(NULL), diags);
	for (guint i = 0; i < diags->len; i++) {
		const vigil_diag *d = g_ptr_array_index(diags, i);

		if (d->severity == VIGIL_ERROR)
			vigil_print_diag(stderr, file, d);
	}
}

static int config_verify(int argc, char **argv)
{
	g_auto(config_args) a = { 0 };
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	int rc, r;

	if (parse_args("verify", argc, argv, &a, false) < 0)
		return VIGIL_EXIT_USAGE;
	r = load("verify", a.xml_file, &cib);
	if (r == -EPROTO)
		explain_schema_failure(a.xml_file);
	rc = r < 0 ? load_failed("verify", a.xml_file, r) : VIGIL_EXIT_OK;
	if (rc == VIGIL_EXIT_OK) {
		/* failures expire against the wall clock, as crm_verify sees them */
		vigil_cib_verify(cib, (int64_t)time(NULL), diags);
		for (guint i = 0; i < diags->len; i++)
			vigil_print_diag(stderr, a.xml_file != NULL ? a.xml_file : LIVE_NAME,
					 g_ptr_array_index(diags, i));
		if (vigil_diags_have_errors(diags))
			fprintf(stderr, "vigil config verify: Errors found during check: "
				"configuration not valid.\n");
		else if (diags->len > 0)
			fprintf(stderr, "vigil config verify: Warnings found during check: "
				"configuration may not be valid.\n");
		rc = diags->len > 0 ? VIGIL_EXIT_CONFIG : VIGIL_EXIT_OK;
	}
	return rc;
}

static int config_show(int argc, char **argv)
{
	g_auto(config_args) a = { 0 };
	g_autoptr(vigil_cib) cib = NULL;
	int rc, r;

	if (parse_args("show", argc, argv, &a, true) < 0)
		return VIGIL_EXIT_USAGE;
	r = load("show", a.xml_file, &cib);
	rc = r < 0 ? load_failed("show", a.xml_file, r) : VIGIL_EXIT_OK;
	if (rc == VIGIL_EXIT_OK && a.as_xml) {
		g_autofree char *text = NULL;
		size_t len = 0;

		if (vigil_cib_to_xml(cib, &text, &len) < 0 || fwrite(text, 1, len, stdout) != len)
			rc = VIGIL_EXIT_ERROR;
	} else if (rc == VIGIL_EXIT_OK) {
		vigil_config_show(cib, stdout);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "vigil config show: cannot write the output: %s.\n",
			g_strerror(errno));
		rc = VIGIL_EXIT_ERROR;
	}
	return rc;
}

/* 'vigil config export [FILE]': the live CIB, as XML, to FILE or stdout. */
static int config_export(int argc, char **argv)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "vigil config export: usage: vigil config export [FILE].\n");
		return VIGIL_EXIT_USAGE;
	}
	int rc = vigil_live_query("vigil config export", &text, NULL);

	if (rc != 0)
		return rc;
	if (argc == 2) {
		if (!g_file_set_contents(argv[1], text, -1, &err)) {
			fprintf(stderr, "vigil config export: cannot write %s: %s.\n", argv[1],
				err->message);
			return VIGIL_EXIT_ERROR;
		}
		return VIGIL_EXIT_OK;
	}
	if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "vigil config export: cannot write the output: %s.\n",
			g_strerror(errno));
		return VIGIL_EXIT_ERROR;
	}
	return VIGIL_EXIT_OK;
}

/* FILE checked as 'config verify -x' checks it: 0, or the exit code after the messages. */
static int import_check(const char *file, char **ret_text)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	int r;

	if (!g_file_get_contents(file, &text, &len, &err)) {
		fprintf(stderr, "vigil config import: cannot read %s: %s.\n", file, err->message);
		return VIGIL_EXIT_ERROR;
	}
	r = vigil_cib_parse(text, len, file, diags, &cib);
	if (r == 0)
		vigil_cib_verify(cib, (int64_t)time(NULL), diags);
	for (guint i = 0; i < diags->len; i++)
		vigil_print_diag(stderr, file, g_ptr_array_index(diags, i));
	if (r < 0 || vigil_diags_have_errors(diags)) {
		fprintf(stderr, "vigil config import: %s is not a valid CIB; nothing was changed. "
			"Fix the reported lines ('vigil config verify -x %s').\n", file, file);
		return VIGIL_EXIT_CONFIG;
	}
	*ret_text = g_steal_pointer(&text);
	return VIGIL_EXIT_OK;
}

/* 'vigil config import FILE': FILE's configuration (a Pacemaker or Vigil CIB) replaces the
 * running cluster's; the cluster keeps its status. */
static int config_import(int argc, char **argv)
{
	const char *what = "vigil config import";
	g_autofree char *text = NULL, *live = NULL;
	vigil_cib_version base, now;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "%s: usage: vigil config import FILE.\n", what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = import_check(argv[1], &text)) != VIGIL_EXIT_OK)
		return rc;
	if ((rc = vigil_live_query(what, &live, &base)) != 0)
		return rc;
	if ((rc = vigil_live_replace(what, &base, text, &now)) != 0)
		return rc;
	printf("The cluster's configuration is now %s's (CIB version %" G_GUINT64_FORMAT ".%"
	       G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ").\n", argv[1], now.admin_epoch, now.epoch,
	       now.num_updates);
	return VIGIL_EXIT_OK;
}

int vigil_cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vigil config: say what to do: verify, show, export or import "
			"(see 'vigil help').\n");
		return VIGIL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "verify") == 0)
		return config_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return config_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return config_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return config_import(argc - 1, argv + 1);
	fprintf(stderr, "vigil config: unknown subcommand '%s'; use verify, show, export or "
		"import.\n", argv[1]);
	return VIGIL_EXIT_USAGE;
}
