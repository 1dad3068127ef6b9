/* vigil config verify|show */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cib/verify.h"
#include "cli/cli.h"

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
	if (a->xml_file == NULL) {
		fprintf(stderr, "vigil config %s: give the CIB file to read with -x FILE (there "
			"is no running cluster to ask yet).\n", cmd);
		return -EINVAL;
	}
	return 0;
}

/* Loads FILE, printing load diagnostics. Returns 0 or the library's -errno. */
static int load(const char *file, vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	int r = vigil_cib_load_file(file, diags, ret_cib);

	for (guint i = 0; r < 0 && i < diags->len; i++)
		vigil_print_diag(stderr, file, g_ptr_array_index(diags, i));
	return r;
}

/* The exit code and closing message for a failed load. */
static int load_failed(const char *cmd, const char *file, int r)
{
	switch (r) {
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

	if (!g_file_get_contents(file, &data, &len, NULL) ||
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
	r = load(a.xml_file, &cib);
	if (r == -EPROTO)
		explain_schema_failure(a.xml_file);
	rc = r < 0 ? load_failed("verify", a.xml_file, r) : VIGIL_EXIT_OK;
	if (rc == VIGIL_EXIT_OK) {
		/* failures expire against the wall clock, as crm_verify sees them */
		vigil_cib_verify(cib, (int64_t)time(NULL), diags);
		for (guint i = 0; i < diags->len; i++)
			vigil_print_diag(stderr, a.xml_file, g_ptr_array_index(diags, i));
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
	r = load(a.xml_file, &cib);
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

int vigil_cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vigil config: say what to do: 'vigil config verify -x FILE' or "
			"'vigil config show -x FILE'.\n");
		return VIGIL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "verify") == 0)
		return config_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return config_show(argc - 1, argv + 1);
	fprintf(stderr, "vigil config: unknown subcommand '%s'; use 'verify' or 'show'.\n",
		argv[1]);
	return VIGIL_EXIT_USAGE;
}
