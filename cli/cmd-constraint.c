/* pcs's constraint commands with 'vigil' for 'pcs', and the moves that work through
 * constraints: resource move|ban|clear. */
#include "config.h"

#include <string.h>
#include <libxml/tree.h>

#include "cli/cli.h"
#include "cli/edit.h"
#include "common/score.h"

/* SCORE text checked (NULL: INFINITY); negated for avoids. NULL after a message. */
static char *score_text(const char *what, const char *text, bool negate)
{
	int v;

	if (text == NULL)
		return g_strdup(negate ? "-INFINITY" : "INFINITY");
	if (vigil_score_parse(text, &v) < 0) {
		fprintf(stderr, "%s: '%s' is not a score (a number, INFINITY or -INFINITY).\n", what,
			text);
		return NULL;
	}
	if (!negate)
		return g_strdup(text);
	return text[0] == '-' ? g_strdup(text + 1) : text[0] == '+' ?
	       g_strconcat("-", text + 1, NULL) : g_strconcat("-", text, NULL);
}

static xmlNode *add_constraint(edit_session *s, const char *element, const char *id)
{
	xmlNode *c = xmlNewChild(edit_section(s, "constraints"), NULL, X(element), NULL);

	xmlNewProp(c, X("id"), X(id));
	return c;
}

/* An id like pcs's, made free if taken. */
static char *constraint_id(edit_session *s, const char *base)
{
	char *id = g_strdup(base);

	for (int i = 2; !edit_id_free(s, id); i++) {
		g_free(id);
		id = g_strdup_printf("%s-%d", base, i);
	}
	return id;
}

static int location(int argc, char **argv)
{
	const char *what = "vigil constraint location";
	edit_session s;
	bool avoids;
	int rc;

	if (argc < 4 || (strcmp(argv[2], "prefers") != 0 && strcmp(argv[2], "avoids") != 0)) {
		fprintf(stderr, "%s: usage: %s RESOURCE prefers|avoids NODE[=SCORE]....\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	avoids = strcmp(argv[2], "avoids") == 0;
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (edit_find_resource(&s, argv[1]) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	for (int i = 3; i < argc && rc == 0; i++) {
		g_autofree char *node = g_strndup(argv[i], strcspn(argv[i], "="));
		const char *eq = strchr(argv[i], '=');
		g_autofree char *score = score_text(what, eq != NULL ? eq + 1 : NULL, avoids);
		g_autofree char *base = NULL, *id = NULL;
		xmlNode *c;

		if (score == NULL || edit_find_node(&s, node) == NULL) {
			rc = VIGIL_EXIT_USAGE;
			break;
		}
		base = g_strdup_printf("location-%s-%s-%s", argv[1], node, score);
		id = constraint_id(&s, base);
		c = add_constraint(&s, "rsc_location", id);
		xmlNewProp(c, X("rsc"), X(argv[1]));
		xmlNewProp(c, X("node"), X(node));
		xmlNewProp(c, X("score"), X(score));
	}
	return edit_finish(&s, rc, NULL);
}

static int colocation(int argc, char **argv)
{
	const char *what = "vigil constraint colocation add";
	g_autofree char *score = NULL, *base = NULL, *id = NULL;
	edit_session s;
	xmlNode *c;
	int rc;

	if ((argc != 4 && argc != 5) || strcmp(argv[2], "with") != 0) {
		fprintf(stderr, "%s: usage: %s RESOURCE with WITH-RESOURCE [SCORE].\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((score = score_text(what, argc == 5 ? argv[4] : NULL, false)) == NULL)
		return VIGIL_EXIT_USAGE;
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (edit_find_resource(&s, argv[1]) == NULL ||
	    edit_find_resource(&s, argv[3]) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	base = g_strdup_printf("colocation-%s-%s-%s", argv[1], argv[3], score);
	id = constraint_id(&s, base);
	c = add_constraint(&s, "rsc_colocation", id);
	xmlNewProp(c, X("rsc"), X(argv[1]));
	xmlNewProp(c, X("with-rsc"), X(argv[3]));
	xmlNewProp(c, X("score"), X(score));
	return edit_finish(&s, 0, NULL);
}

static bool is_action(const char *a)
{
	static const char *const actions[] = { "start", "stop", "promote", "demote", NULL };

	return g_strv_contains(actions, a);
}

/* [ACTION] A then [ACTION] B */
static int order(int argc, char **argv)
{
	const char *what = "vigil constraint order";
	const char *first_action = "start", *then_action = "start", *first, *then;
	g_autofree char *base = NULL, *id = NULL;
	edit_session s;
	xmlNode *c;
	int i = 1, rc;

	if (i < argc && is_action(argv[i]))
		first_action = argv[i++];
	first = i < argc ? argv[i++] : NULL;
	if (first == NULL || i >= argc || strcmp(argv[i++], "then") != 0 || i >= argc) {
		fprintf(stderr, "%s: usage: %s [ACTION] RESOURCE then [ACTION] RESOURCE.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if (is_action(argv[i]) && i + 1 < argc)
		then_action = argv[i++];
	then = argv[i++];
	if (i != argc) {
		fprintf(stderr, "%s: unexpected '%s'.\n", what, argv[i]);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (edit_find_resource(&s, first) == NULL || edit_find_resource(&s, then) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	base = g_strdup_printf("order-%s-%s-mandatory", first, then);
	id = constraint_id(&s, base);
	c = add_constraint(&s, "rsc_order", id);
	xmlNewProp(c, X("first"), X(first));
	xmlNewProp(c, X("first-action"), X(first_action));
	xmlNewProp(c, X("then"), X(then));
	xmlNewProp(c, X("then-action"), X(then_action));
	xmlNewProp(c, X("kind"), X("Mandatory"));
	return edit_finish(&s, 0, NULL);
}

static int list(void)
{
	edit_session s;
	int rc = edit_open(&s, "vigil constraint list", vigil_cib_file);

	if (rc != 0)
		return rc;
	for (xmlNode *c = edit_section(&s, "constraints")->children; c != NULL; c = c->next) {
		static const char *const attrs[] = { "rsc", "with-rsc", "node", "first",
						     "first-action", "then", "then-action", "score",
						     "kind", NULL };

		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *id = xmlGetProp(c, X("id"));

		printf("%s %s", (const char *)c->name, id != NULL ? (const char *)id : "?");
		xmlFree(id);
		for (const char *const *a = attrs; *a != NULL; a++) {
			xmlChar *v = xmlGetProp(c, X(*a));

			if (v != NULL)
				printf(" %s=%s", *a, (const char *)v);
			xmlFree(v);
		}
		printf("\n");
	}
	edit_close(&s);
	return VIGIL_EXIT_OK;
}

static int delete_constraint(int argc, char **argv)
{
	const char *what = "vigil constraint delete";
	edit_session s;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "%s: usage: %s ID....\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	for (int i = 1; i < argc && rc == 0; i++) {
		xmlNode *c = edit_find_id(&s, argv[i]);

		if (c == NULL || c->parent != edit_section(&s, "constraints")) {
			fprintf(stderr, "%s: no constraint '%s'; 'vigil constraint list' shows them.\n",
				what, argv[i]);
			rc = VIGIL_EXIT_USAGE;
		} else {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	return edit_finish(&s, rc, NULL);
}

int vigil_cmd_constraint(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "list") == 0 || strcmp(argv[1], "config") == 0)
		return list();
	if (strcmp(argv[1], "location") == 0)
		return location(argc - 1, argv + 1);
	if (strcmp(argv[1], "colocation") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
		return colocation(argc - 2, argv + 2);
	if (strcmp(argv[1], "order") == 0)
		return order(argc - 1, argv + 1);
	if (strcmp(argv[1], "delete") == 0 || strcmp(argv[1], "remove") == 0)
		return delete_constraint(argc - 1, argv + 1);
	fprintf(stderr, "vigil constraint: unknown subcommand '%s'; use location, colocation add, "
		"order, list or delete.\n", argv[1]);
	return VIGIL_EXIT_USAGE;
}

/* ---- resource move / ban / clear ------------------------------------------------------ */

/* Removes the cli-prefer-RSC and cli-ban-RSC-on-* constraints; how many. */
static unsigned clear_moves(edit_session *s, const char *rsc)
{
	g_autofree char *prefer = g_strdup_printf("cli-prefer-%s", rsc);
	g_autofree char *ban = g_strdup_printf("cli-ban-%s-on-", rsc);
	unsigned n = 0;

	for (xmlNode *c = edit_section(s, "constraints")->children, *next; c != NULL; c = next) {
		xmlChar *id = c->type == XML_ELEMENT_NODE ? xmlGetProp(c, X("id")) : NULL;
		bool ours = id != NULL && (xmlStrEqual(id, X(prefer)) ||
					   g_str_has_prefix((const char *)id, ban));

		next = c->next;
		xmlFree(id);
		if (ours) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			n++;
		}
	}
	return n;
}

int vigil_resource_move(int argc, char **argv, bool ban)
{
	const char *what = ban ? "vigil resource ban" : "vigil resource move";
	g_autofree char *id = NULL, *done = NULL;
	edit_session s;
	xmlNode *c;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "%s: usage: %s RESOURCE NODE.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (edit_find_resource(&s, argv[1]) == NULL || edit_find_node(&s, argv[2]) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	if (!ban)
		clear_moves(&s, argv[1]); /* one move at a time, as crm_resource does */
	id = ban ? g_strdup_printf("cli-ban-%s-on-%s", argv[1], argv[2]) :
		   g_strdup_printf("cli-prefer-%s", argv[1]);
	if ((c = edit_find_id(&s, id)) != NULL) {
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	c = add_constraint(&s, "rsc_location", id);
	xmlNewProp(c, X("rsc"), X(argv[1]));
	xmlNewProp(c, X("node"), X(argv[2]));
	xmlNewProp(c, X("score"), X(ban ? "-INFINITY" : "INFINITY"));
	xmlNewProp(c, X("role"), X("Started"));
	done = g_strdup_printf("Created location constraint %s: %s %s %s. It stays until you run "
			       "'vigil resource clear %s'.", id, argv[1],
			       ban ? "may not run on" : "prefers", argv[2], argv[1]);
	return edit_finish(&s, 0, done);
}

int vigil_resource_clear(int argc, char **argv)
{
	const char *what = "vigil resource clear";
	g_autofree char *done = NULL;
	edit_session s;
	unsigned n;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "%s: usage: %s RESOURCE.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (edit_find_resource(&s, argv[1]) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	n = clear_moves(&s, argv[1]);
	done = g_strdup_printf("Removed %u move or ban constraint%s of %s.", n, n == 1 ? "" : "s",
			       argv[1]);
	return edit_finish(&s, 0, done);
}
