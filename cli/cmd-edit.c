/* pcs's configuration commands with 'vigil' for 'pcs': property, resource, stonith, node.
 * Each works on the running cluster's CIB, or on a file with -f FILE. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <libxml/tree.h>

#include "cib/inject.h"
#include "cli/agent.h"
#include "cli/cli.h"
#include "cli/edit.h"
#include "common/duration.h"
#include "exec/exec.h"
#include "exec/fence.h"
#include "ipc/ipc.h"

const char *vigil_cib_file;

/* The cluster options Pacemaker 2.1 knows; another name needs --force. */
static const char *const known_properties[] = {
	"batch-limit", "cluster-delay", "cluster-infrastructure", "cluster-ipc-limit",
	"cluster-name", "cluster-recheck-interval", "concurrent-fencing", "dc-deadtime",
	"dc-version", "election-timeout", "enable-acl", "enable-startup-probes", "fence-reaction",
	"have-watchdog", "join-finalization-timeout", "join-integration-timeout",
	"last-lrm-refresh", "load-threshold", "maintenance-mode", "migration-limit",
	"no-quorum-policy", "node-action-limit", "node-health-base", "node-health-green",
	"node-health-red", "node-health-strategy", "node-health-yellow", "pe-error-series-max",
	"pe-input-series-max", "pe-warn-series-max", "placement-strategy",
	"priority-fencing-delay", "remove-after-stop", "shutdown-escalation", "shutdown-lock",
	"shutdown-lock-limit", "start-failure-is-fatal", "startup-fencing", "stonith-action",
	"stonith-enabled", "stonith-max-attempts", "stonith-timeout", "stonith-watchdog-timeout",
	"stop-all-resources", "stop-orphan-actions", "stop-orphan-resources", "symmetric-cluster",
	"transition-delay", NULL,
};

static bool has_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 1; i < *argc; i++)
		if (strcmp(argv[i], flag) == 0) {
			memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
			(*argc)--;
			return true;
		}
	return false;
}

/* "--name VALUE" or "--name=VALUE", taken out of ARGV. */
static char *take_option(int *argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 1; i < *argc; i++) {
		char *v = NULL;
		int drop = 0;

		if (strcmp(argv[i], name) == 0 && i + 1 < *argc) {
			v = g_strdup(argv[i + 1]);
			drop = 2;
		} else if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
			v = g_strdup(argv[i] + n + 1);
			drop = 1;
		}
		if (v != NULL) {
			memmove(&argv[i], &argv[i + drop], (size_t)(*argc - i - drop + 1) *
				sizeof(*argv));
			*argc -= drop;
			return v;
		}
	}
	return NULL;
}

static int resource_update(int argc, char **argv);
static int resource_info(int argc, char **argv);
static int node_maintenance(int argc, char **argv, bool on);

/* ---- property ------------------------------------------------------------------------- */

static int property_set(int argc, char **argv, bool unset)
{
	const char *what = unset ? "vigil property unset" : "vigil property set";
	bool force = has_flag(&argc, argv, "--force");
	edit_session s;
	xmlNode *set;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "%s: give %s.\n", what, unset ? "NAME..." : "NAME=VALUE...");
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	set = edit_child(edit_section(&s, "crm_config"), "cluster_property_set", false);
	if (set == NULL) {
		set = xmlNewChild(edit_section(&s, "crm_config"), NULL, X("cluster_property_set"),
				  NULL);
		xmlNewProp(set, X("id"), X("cib-bootstrap-options"));
	}
	for (int i = 1; i < argc && rc == 0; i++) {
		g_autofree char *name = NULL, *value = NULL;

		if (unset) {
			name = g_strdup(argv[i]);
		} else if (!edit_split_nv(what, argv[i], &name, &value)) {
			rc = VIGIL_EXIT_USAGE;
			break;
		}
		if (!force && !g_strv_contains(known_properties, name)) {
			fprintf(stderr, "%s: '%s' is not a cluster property Pacemaker knows; check the "
				"spelling, or use --force.\n", what, name);
			rc = VIGIL_EXIT_USAGE;
		} else if (!edit_nvpair(set, name, value) && unset) {
			fprintf(stderr, "%s: property '%s' is not set.\n", what, name);
			rc = VIGIL_EXIT_USAGE;
		}
	}
	return edit_finish(&s, rc, NULL);
}

static int property_list(void)
{
	edit_session s;
	int rc = edit_open(&s, "vigil property", vigil_cib_file);

	if (rc != 0)
		return rc;
	printf("Cluster Properties:\n");
	for (guint i = 0; i < s.cib->crm_config->len; i++) {
		const vigil_nvset *set = g_ptr_array_index(s.cib->crm_config, i);

		for (guint j = 0; j < set->nvpairs->len; j++) {
			const vigil_nvpair *p = g_ptr_array_index(set->nvpairs, j);

			printf(" %s: %s\n", p->name != NULL ? p->name : "?",
			       p->value != NULL ? p->value : "");
		}
	}
	edit_close(&s);
	return VIGIL_EXIT_OK;
}

int vigil_cmd_property(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "list") == 0 || strcmp(argv[1], "config") == 0)
		return property_list();
	if (strcmp(argv[1], "set") == 0)
		return property_set(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "unset") == 0)
		return property_set(argc - 1, argv + 1, true);
	fprintf(stderr, "vigil property: unknown subcommand '%s'; use set, unset or list.\n",
		argv[1]);
	return VIGIL_EXIT_USAGE;
}

/* ---- resource create / stonith create ------------------------------------------------- */

/* The <op> for "ACTION NAME=VALUE..." at ARGV[*I...]: pcs's id "RSC-ACTION-interval-IV". */
static int add_op(const char *what, xmlNode *prim, const char *rsc, int argc, char **argv,
		  int *i)
{
	xmlNode *ops = edit_child(prim, "operations", true);
	const char *action = argv[(*i)++];
	g_autofree char *interval = g_strdup("0s"), *id = NULL;
	xmlNode *op = xmlNewChild(ops, NULL, X("op"), NULL);

	for (; *i < argc && strchr(argv[*i], '=') != NULL; (*i)++) {
		g_autofree char *name = NULL, *value = NULL;
		uint64_t ms;

		if (!edit_split_nv(what, argv[*i], &name, &value))
			return VIGIL_EXIT_USAGE;
		if ((strcmp(name, "interval") == 0 || strcmp(name, "timeout") == 0) &&
		    vigil_duration_parse_ms(value, &ms) < 0) {
			fprintf(stderr, "%s: op %s %s=%s is not a duration (30s, 2min, 1h...).\n",
				what, action, name, value);
			return VIGIL_EXIT_USAGE;
		}
		if (strcmp(name, "interval") == 0) {
			g_free(interval);
			interval = g_strdup(value);
		} else {
			xmlNewProp(op, X(name), X(value));
		}
	}
	id = g_strdup_printf("%s-%s-interval-%s", rsc, action, interval);
	xmlNewProp(op, X("id"), X(id));
	xmlNewProp(op, X("name"), X(action));
	xmlNewProp(op, X("interval"), X(interval));
	return 0;
}

/* Checks the instance attributes of PRIM against the agent's meta-data. */
static int check_params(const char *what, const agent_name *a, xmlNode *prim, bool force)
{
	g_autoptr(GPtrArray) params = agent_params(a);
	xmlNode *ia = edit_child(prim, "instance_attributes", false);
	int rc = 0;

	if (params == NULL || force)
		return 0;
	for (xmlNode *p = ia != NULL ? ia->children : NULL; p != NULL; p = p->next) {
		xmlChar *name = xmlGetProp(p, X("name"));
		bool known = false;

		for (guint i = 0; i < params->len; i++)
			known |= g_strcmp0(((agent_param *)params->pdata[i])->name,
					   (const char *)name) == 0;
		if (!known) {
			fprintf(stderr, "%s: %s:%s:%s has no parameter '%s'; 'vigil resource describe "
				"%s:%s:%s' lists them (or use --force).\n", what, a->class_,
				a->provider, a->type, name, a->class_, a->provider, a->type);
			rc = VIGIL_EXIT_USAGE;
		}
		xmlFree(name);
	}
	for (guint i = 0; i < params->len; i++) {
		const agent_param *p = params->pdata[i];
		bool given = false;

		for (xmlNode *n = ia != NULL ? ia->children : NULL; n != NULL && p->required;
		     n = n->next) {
			xmlChar *name = xmlGetProp(n, X("name"));

			given |= g_strcmp0((const char *)name, p->name) == 0;
			xmlFree(name);
		}
		if (p->required && !given) {
			fprintf(stderr, "%s: %s:%s:%s requires the parameter '%s'; add %s=VALUE.\n",
				what, a->class_, a->provider, a->type, p->name, p->name);
			rc = VIGIL_EXIT_USAGE;
		}
	}
	return rc;
}

static int create(int argc, char **argv, bool stonith)
{
	const char *what = stonith ? "vigil stonith create" : "vigil resource create";
	bool force = has_flag(&argc, argv, "--force");
	bool disabled = has_flag(&argc, argv, "--disabled");
	g_autofree char *group = take_option(&argc, argv, "--group");
	g_autofree char *spec = NULL;
	g_auto(agent_name) a = { 0 };
	const char *id;
	edit_session s;
	xmlNode *prim, *parent;
	int rc, i;

	if (argc < 3) {
		fprintf(stderr, "%s: usage: %s ID %s [NAME=VALUE...] [op ACTION NAME=VALUE...] "
			"[meta NAME=VALUE...]%s.\n", what, what, stonith ? "AGENT" : "AGENT",
			stonith ? "" : " [--group GROUP] [--disabled]");
		return VIGIL_EXIT_USAGE;
	}
	id = argv[1];
	spec = stonith && strchr(argv[2], ':') == NULL ? g_strconcat("stonith:", argv[2], NULL) :
							 g_strdup(argv[2]);
	if (agent_parse(what, spec, &a) < 0)
		return VIGIL_EXIT_USAGE;
	if (stonith != (strcmp(a.class_, "stonith") == 0)) {
		fprintf(stderr, "%s: '%s' is %s; use 'vigil %s create'.\n", what, spec,
			stonith ? "not a fence agent" : "a fence agent",
			stonith ? "resource" : "stonith");
		return VIGIL_EXIT_USAGE;
	}
	if (!force && !agent_installed(&a)) {
		fprintf(stderr, "%s: agent '%s' is not installed on this node; install it, or use "
			"--force if it is installed on the cluster's nodes.\n", what, spec);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if (!edit_id_free(&s, id)) {
		fprintf(stderr, "%s: id '%s' is already used in the CIB; choose another.\n", what, id);
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	}
	parent = edit_section(&s, "resources");
	if (group != NULL) {
		xmlNode *g = edit_find_id(&s, group);

		if (g != NULL && !xmlStrEqual(g->name, X("group"))) {
			fprintf(stderr, "%s: '%s' is not a group.\n", what, group);
			return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
		}
		if (g == NULL) {
			g = xmlNewChild(parent, NULL, X("group"), NULL);
			xmlNewProp(g, X("id"), X(group));
		}
		parent = g;
	}
	prim = xmlNewChild(parent, NULL, X("primitive"), NULL);
	xmlNewProp(prim, X("id"), X(id));
	xmlNewProp(prim, X("class"), X(a.class_));
	if (a.provider != NULL)
		xmlNewProp(prim, X("provider"), X(a.provider));
	xmlNewProp(prim, X("type"), X(a.type));
	for (i = 3; i < argc && rc == 0;) {
		if (strcmp(argv[i], "op") == 0 && i + 1 < argc) {
			i++;
			rc = add_op(what, prim, id, argc, argv, &i);
		} else if (strcmp(argv[i], "meta") == 0) {
			for (i++; i < argc && strchr(argv[i], '=') != NULL && rc == 0; i++) {
				g_autofree char *n = NULL, *v = NULL;

				if (!edit_split_nv(what, argv[i], &n, &v))
					rc = VIGIL_EXIT_USAGE;
				else
					edit_nvpair(edit_nvset(prim, "meta_attributes"), n, v);
			}
		} else {
			g_autofree char *n = NULL, *v = NULL;

			if (!edit_split_nv(what, argv[i], &n, &v))
				rc = VIGIL_EXIT_USAGE;
			else
				edit_nvpair(edit_nvset(prim, "instance_attributes"), n, v);
			i++;
		}
	}
	if (rc == 0 && disabled)
		edit_nvpair(edit_nvset(prim, "meta_attributes"), "target-role", "Stopped");
	if (rc == 0)
		rc = check_params(what, &a, prim, force);
	return edit_finish(&s, rc, NULL);
}

/* ---- resource delete / enable / disable / group add ----------------------------------- */

/* Removes every constraint that names ID (pcs does the same). */
static unsigned drop_constraints(edit_session *s, const char *id)
{
	xmlNode *cons = edit_section(s, "constraints");
	static const char *const attrs[] = { "rsc", "with-rsc", "first", "then", NULL };
	unsigned dropped = 0;

	for (xmlNode *c = cons->children, *next; c != NULL; c = next) {
		bool names = false;

		next = c->next;
		for (const char *const *a = attrs; *a != NULL && c->type == XML_ELEMENT_NODE; a++) {
			xmlChar *v = xmlGetProp(c, X(*a));

			names |= v != NULL && xmlStrEqual(v, X(id));
			xmlFree(v);
		}
		if (names) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			dropped++;
		}
	}
	return dropped;
}

static int resource_delete(int argc, char **argv)
{
	const char *what = "vigil resource delete";
	g_autofree char *done = NULL;
	edit_session s;
	xmlNode *n, *parent;
	unsigned dropped;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "%s: usage: %s ID.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if ((n = edit_find_resource(&s, argv[1])) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	parent = n->parent;
	dropped = drop_constraints(&s, argv[1]);
	xmlUnlinkNode(n);
	xmlFreeNode(n);
	/* a group left empty goes too */
	if (xmlStrEqual(parent->name, X("group")) && edit_child(parent, "primitive", false) == NULL) {
		xmlChar *gid = xmlGetProp(parent, X("id"));

		dropped += drop_constraints(&s, (const char *)gid);
		xmlFree(gid);
		xmlUnlinkNode(parent);
		xmlFreeNode(parent);
	}
	done = g_strdup_printf("Deleted %s%s", argv[1], dropped > 0 ?
			       " and the constraints that named it" : "");
	return edit_finish(&s, 0, done);
}

static int resource_role(int argc, char **argv, bool enable)
{
	const char *what = enable ? "vigil resource enable" : "vigil resource disable";
	edit_session s;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "%s: usage: %s ID....\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	for (int i = 1; i < argc && rc == 0; i++) {
		xmlNode *n = edit_find_resource(&s, argv[i]);

		if (n == NULL)
			rc = VIGIL_EXIT_USAGE;
		else if (enable)
			edit_nvpair(edit_nvset(n, "meta_attributes"), "target-role", NULL);
		else
			edit_nvpair(edit_nvset(n, "meta_attributes"), "target-role", "Stopped");
	}
	return edit_finish(&s, rc, NULL);
}

/* 'resource restart RSC': stopped (target-role), then started again, as crm_resource
 * --restart does it; each step waits until the cluster settles. Only on the live cluster. */
static int resource_restart(int argc, char **argv)
{
	const char *what = "vigil resource restart";
	int saved = vigil_wait_seconds, rc;
	char disable[] = "disable", enable[] = "enable";
	char *stop_argv[] = { disable, argv[1], NULL }, *start_argv[] = { enable, argv[1], NULL };

	if (argc != 2) {
		fprintf(stderr, "%s: usage: %s RESOURCE.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if (vigil_cib_file != NULL) {
		fprintf(stderr, "%s: a restart runs on the cluster; it has no meaning for a file "
			"(-f).\n", what);
		return VIGIL_EXIT_USAGE;
	}
	vigil_wait_seconds = saved >= 0 ? saved : 60;
	rc = resource_role(2, stop_argv, false);
	if (rc == 0)
		rc = resource_role(2, start_argv, true);
	vigil_wait_seconds = saved;
	if (rc == 0)
		printf("%s restarted.\n", argv[1]);
	return rc;
}

static int group_add(int argc, char **argv)
{
	const char *what = "vigil resource group add";
	edit_session s;
	xmlNode *g;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "%s: usage: %s GROUP RESOURCE....\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	g = edit_find_id(&s, argv[1]);
	if (g != NULL && !xmlStrEqual(g->name, X("group"))) {
		fprintf(stderr, "%s: '%s' is already used, and not by a group.\n", what, argv[1]);
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	}
	if (g == NULL) {
		g = xmlNewChild(edit_section(&s, "resources"), NULL, X("group"), NULL);
		xmlNewProp(g, X("id"), X(argv[1]));
	}
	for (int i = 2; i < argc && rc == 0; i++) {
		xmlNode *p = edit_find_id(&s, argv[i]);
		xmlNode *old;

		if (p == NULL || !xmlStrEqual(p->name, X("primitive"))) {
			fprintf(stderr, "%s: no primitive '%s' in the CIB; 'vigil resource list' shows "
				"the ids.\n", what, argv[i]);
			rc = VIGIL_EXIT_USAGE;
			break;
		}
		old = p->parent;
		xmlUnlinkNode(p);
		xmlAddChild(g, p);
		if (old != g && xmlStrEqual(old->name, X("group")) &&
		    edit_child(old, "primitive", false) == NULL) {
			xmlUnlinkNode(old);
			xmlFreeNode(old);
		}
	}
	return edit_finish(&s, rc, NULL);
}

/* 'resource group remove GROUP [RESOURCE...]': the resources leave the group for the top
 * level, after it (all of them without RESOURCE); a group left empty goes, with the
 * constraints that named it, and the command says so. */
static int group_remove(int argc, char **argv)
{
	const char *what = "vigil resource group remove";
	g_autofree char *done = NULL;
	unsigned dropped = 0;
	edit_session s;
	xmlNode *g, *after;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "%s: usage: %s GROUP [RESOURCE...].\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	g = edit_find_id(&s, argv[1]);
	if (g == NULL || !xmlStrEqual(g->name, X("group"))) {
		fprintf(stderr, "%s: no group '%s' in the CIB; 'vigil resource list' shows them.\n",
			what, argv[1]);
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	}
	for (int i = 2; i < argc; i++) {
		xmlNode *p = edit_find_id(&s, argv[i]);

		if (p == NULL || p->parent != g) {
			fprintf(stderr, "%s: '%s' is not a member of group '%s'.\n", what, argv[i],
				argv[1]);
			return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
		}
	}
	after = g;
	for (xmlNode *p = g->children, *next; p != NULL; p = next) {
		bool chosen = argc == 2;

		next = p->next;
		for (int i = 2; i < argc && !chosen; i++) {
			xmlChar *id = xmlGetProp(p, X("id"));

			chosen = id != NULL && strcmp((const char *)id, argv[i]) == 0;
			xmlFree(id);
		}
		if (!chosen || !xmlStrEqual(p->name, X("primitive")))
			continue;
		xmlUnlinkNode(p);
		after = xmlAddNextSibling(after, p);
	}
	if (edit_child(g, "primitive", false) == NULL) {
		dropped = drop_constraints(&s, argv[1]);
		xmlUnlinkNode(g);
		xmlFreeNode(g);
		done = g_strdup_printf("Group %s removed%s", argv[1],
				       dropped > 0 ? ", with the constraints that named it" : "");
	}
	return edit_finish(&s, 0, done);
}

int vigil_cmd_resource(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "vigil resource: say what to do: create, delete, update, enable, "
			"disable, restart, group add|remove, move, ban, clear, cleanup, list, "
			"standards, providers, agents or describe.\n");
		return VIGIL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "create") == 0)
		return create(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "delete") == 0 || strcmp(argv[1], "remove") == 0)
		return resource_delete(argc - 1, argv + 1);
	if (strcmp(argv[1], "enable") == 0)
		return resource_role(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "restart") == 0)
		return resource_restart(argc - 1, argv + 1);
	if (strcmp(argv[1], "disable") == 0)
		return resource_role(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "group") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
		return group_add(argc - 2, argv + 2);
	if (strcmp(argv[1], "group") == 0 && argc > 2 && strcmp(argv[2], "remove") == 0)
		return group_remove(argc - 2, argv + 2);
	if (strcmp(argv[1], "update") == 0)
		return resource_update(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "show") == 0 ||
	    strcmp(argv[1], "config") == 0 || strcmp(argv[1], "standards") == 0 ||
	    strcmp(argv[1], "providers") == 0 || strcmp(argv[1], "agents") == 0 ||
	    strcmp(argv[1], "describe") == 0 || strcmp(argv[1], "cleanup") == 0)
		return resource_info(argc - 1, argv + 1);
	if (strcmp(argv[1], "move") == 0)
		return vigil_resource_move(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "ban") == 0)
		return vigil_resource_move(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "clear") == 0)
		return vigil_resource_clear(argc - 1, argv + 1);
	fprintf(stderr, "vigil resource: unknown subcommand '%s'; use create, delete, update, "
		"enable, disable, restart, group add|remove, move, ban, clear, cleanup, list, "
		"standards, providers, agents or describe.\n", argv[1]);
	return VIGIL_EXIT_USAGE;
}

/* The fence agents installed here (fence-agents' /usr/sbin/fence_*, Vigil's fence_vigil,
 * and those of VIGIL_FENCE_PATH). */
static int stonith_list(void)
{
	g_autoptr(GPtrArray) names = vigil_fence_agent_list();

	for (guint i = 0; i < names->len; i++)
		printf("%s\n", (char *)names->pdata[i]);
	if (names->len == 0)
		fprintf(stderr, "vigil stonith list: no fence agents in /usr/sbin; install "
			"fence-agents (or fence-virt for fence_xvm).\n");
	return VIGIL_EXIT_OK;
}

int vigil_cmd_stonith(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return create(argc - 1, argv + 1, true);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return stonith_list();
	if (argc >= 2 && (strcmp(argv[1], "fence") == 0 || strcmp(argv[1], "history") == 0))
		return vigil_stonith_admin(argc - 1, argv + 1);
	fprintf(stderr, "vigil stonith: say what to do: 'vigil stonith create ID AGENT "
		"[NAME=VALUE...]', 'vigil stonith list', 'vigil stonith fence NODE [--off]' or "
		"'vigil stonith history [NODE]'.\n");
	return VIGIL_EXIT_USAGE;
}

/* ---- node standby --------------------------------------------------------------------- */

static int node_attr(const char *what, int argc, char **argv, const char *attr,
		     const char *value);

static int node_standby(int argc, char **argv, bool on)
{
	return node_attr(on ? "vigil node standby" : "vigil node unstandby", argc, argv,
			 "standby", on ? "on" : NULL);
}

int vigil_cmd_node(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "standby") == 0)
		return node_standby(argc - 1, argv + 1, true);
	if (argc >= 2 && strcmp(argv[1], "unstandby") == 0)
		return node_standby(argc - 1, argv + 1, false);
	if (argc >= 2 && strcmp(argv[1], "maintenance") == 0)
		return node_maintenance(argc - 1, argv + 1, true);
	if (argc >= 2 && strcmp(argv[1], "unmaintenance") == 0)
		return node_maintenance(argc - 1, argv + 1, false);
	fprintf(stderr, "vigil node: say what to do: standby, unstandby, maintenance or "
		"unmaintenance NODE.\n");
	return VIGIL_EXIT_USAGE;
}

/* ---- resource update / list / show; agents; node maintenance -------------------------- */

static int resource_update(int argc, char **argv)
{
	const char *what = "vigil resource update";
	bool force = has_flag(&argc, argv, "--force");
	g_auto(agent_name) a = { 0 };
	edit_session s;
	xmlNode *prim;
	xmlChar *cls, *prov, *type;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "%s: usage: %s ID NAME=VALUE... [meta NAME=VALUE...] (an empty "
			"VALUE removes NAME).\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	prim = edit_find_id(&s, argv[1]);
	if (prim == NULL || !xmlStrEqual(prim->name, X("primitive"))) {
		fprintf(stderr, "%s: no primitive '%s' in the CIB; 'vigil resource list' shows "
			"them.\n", what, argv[1]);
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	}
	for (int i = 2, meta = 0; i < argc && rc == 0; i++) {
		g_autofree char *n = NULL, *v = NULL;

		if (strcmp(argv[i], "meta") == 0) {
			meta = 1;
			continue;
		}
		if (!edit_split_nv(what, argv[i], &n, &v)) {
			rc = VIGIL_EXIT_USAGE;
			break;
		}
		edit_nvpair(edit_nvset(prim, meta ? "meta_attributes" : "instance_attributes"), n,
			    v[0] != '\0' ? v : NULL);
	}
	cls = xmlGetProp(prim, X("class"));
	prov = xmlGetProp(prim, X("provider"));
	type = xmlGetProp(prim, X("type"));
	a = (agent_name){ g_strdup((const char *)cls), g_strdup((const char *)prov),
			  g_strdup((const char *)type) };
	xmlFree(cls);
	xmlFree(prov);
	xmlFree(type);
	if (rc == 0 && a.class_ != NULL && strcmp(a.class_, "ocf") == 0)
		rc = check_params(what, &a, prim, force);
	return edit_finish(&s, rc, NULL);
}

static int resource_list(void)
{
	edit_session s;
	int rc = edit_open(&s, "vigil resource list", vigil_cib_file);

	if (rc != 0)
		return rc;
	for (guint i = 0; i < s.cib->resources->len; i++) {
		const vigil_rsc *r = g_ptr_array_index(s.cib->resources, i);
		g_autofree char *agent = r->kind == VIGIL_RSC_PRIMITIVE ? vigil_rsc_agent(r) : NULL;

		if (r->kind == VIGIL_RSC_GROUP) {
			printf("%s (group):", r->id);
			for (guint j = 0; j < r->members->len; j++)
				printf(" %s", ((vigil_rsc *)r->members->pdata[j])->id);
			printf("\n");
		} else if (r->kind == VIGIL_RSC_PRIMITIVE) {
			printf("%s (%s)\n", r->id, agent);
		}
	}
	edit_close(&s);
	return VIGIL_EXIT_OK;
}

/* 'resource standards', 'resource providers', 'resource agents [ocf:PROVIDER]' */
static int print_names(const GPtrArray *names, const char *prefix)
{
	for (guint i = 0; i < names->len; i++)
		printf("%s%s\n", prefix, (char *)names->pdata[i]);
	return VIGIL_EXIT_OK;
}

static gint by_string(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The systemd services installed here, by name (what systemd:NAME runs): the unit files
 * of systemd's unit directories, templates left out. */
static GPtrArray *systemd_units(void)
{
	static const char *const dirs[] = { "/etc/systemd/system", "/run/systemd/system",
					    "/lib/systemd/system", "/usr/lib/systemd/system" };
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autoptr(GPtrArray) files = agent_dir_names(dirs[i], "");

		for (guint j = 0; j < files->len; j++) {
			const char *f = files->pdata[j];
			g_autofree char *path = g_build_filename(dirs[i], f, NULL);
			char *name;

			if (!g_str_has_suffix(f, ".service") || strchr(f, '@') != NULL ||
			    !g_file_test(path, G_FILE_TEST_IS_REGULAR))
				continue;
			name = g_strndup(f, strlen(f) - strlen(".service"));
			if (g_hash_table_add(seen, name))
				g_ptr_array_add(names, g_strdup(name));
		}
	}
	g_ptr_array_sort(names, by_string);
	return names;
}

static int agents(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "systemd") == 0) {
		g_autoptr(GPtrArray) units = systemd_units();

		for (guint i = 0; i < units->len; i++)
			printf("%s\n", (char *)units->pdata[i]);
		return VIGIL_EXIT_OK;
	}
	if (argc < 2) {
		/* every OCF agent */
		g_autoptr(GPtrArray) provs = vigil_ocf_list(NULL);

		for (guint i = 0; i < provs->len; i++) {
			g_autoptr(GPtrArray) names = vigil_ocf_list(provs->pdata[i]);
			g_autofree char *prefix = g_strdup_printf("ocf:%s:", (char *)provs->pdata[i]);

			print_names(names, prefix);
		}
		{
			g_autoptr(GPtrArray) units = systemd_units();

			for (guint i = 0; i < units->len; i++)
				printf("systemd:%s\n", (char *)units->pdata[i]);
		}
		return VIGIL_EXIT_OK;
	}
	if (g_str_has_prefix(argv[1], "ocf:") && strchr(argv[1] + 4, ':') == NULL &&
	    strchr(argv[1] + 4, '/') == NULL && argv[1][4] != '\0' && argv[1][4] != '.') {
		g_autoptr(GPtrArray) names = vigil_ocf_list(argv[1] + 4);

		if (names->len == 0) {
			fprintf(stderr, "vigil resource agents: no OCF provider '%s'; 'vigil resource "
				"providers' lists them.\n", argv[1] + 4);
			return VIGIL_EXIT_USAGE;
		}
		return print_names(names, "");
	}
	fprintf(stderr, "vigil resource agents: give ocf:PROVIDER (as 'vigil resource providers' "
		"lists them), systemd, or nothing for all.\n");
	return VIGIL_EXIT_USAGE;
}

/* Sets the node attribute ATTR of NODE (argv[1]) to VALUE, or removes it (NULL). */
static int node_attr(const char *what, int argc, char **argv, const char *attr,
		     const char *value)
{
	edit_session s;
	xmlNode *n;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "%s: usage: %s NODE.\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if ((rc = edit_open(&s, what, vigil_cib_file)) != 0)
		return rc;
	if ((n = edit_find_node(&s, argv[1])) == NULL)
		return edit_finish(&s, VIGIL_EXIT_USAGE, NULL);
	edit_nvpair(edit_nvset(n, "instance_attributes"), attr, value);
	return edit_finish(&s, 0, NULL);
}

/* 'resource cleanup [RSC]': forget its history and fail-counts (every resource's without
 * RSC), so that the cluster probes it again and counts from zero. */
static int cleanup(int argc, char **argv)
{
	const char *what = "vigil resource cleanup";
	const char *rsc = argc > 1 ? argv[1] : "";
	g_autoptr(GVariant) reply = NULL;
	guint32 removed = 0;
	int r;

	if (argc > 2) {
		fprintf(stderr, "%s: usage: %s [RESOURCE].\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if (vigil_cib_file != NULL) {
		g_autoptr(GPtrArray) diags = vigil_diags_new();
		g_autoptr(vigil_cib) cib = NULL;

		if (vigil_cib_load_file(vigil_cib_file, diags, &cib) < 0) {
			fprintf(stderr, "%s: cannot read %s as a CIB; 'vigil config verify -x %s' says "
				"why.\n", what, vigil_cib_file, vigil_cib_file);
			return VIGIL_EXIT_CONFIG;
		}
		if (rsc[0] != '\0' && vigil_cib_find_rsc(cib, rsc) == NULL) {
			fprintf(stderr, "%s: no resource '%s' in %s.\n", what, rsc, vigil_cib_file);
			return VIGIL_EXIT_USAGE;
		}
		removed = vigil_cib_cleanup(cib, rsc);
		vigil_cib_bump_num_updates(cib);
		if (vigil_cib_save_file(cib, vigil_cib_file) < 0) {
			fprintf(stderr, "%s: cannot write %s.\n", what, vigil_cib_file);
			return VIGIL_EXIT_ERROR;
		}
	} else {
		r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_CLEANUP, g_variant_new("(s)", rsc),
				   30000, &reply);
		if (r == 0 && !g_variant_is_of_type(reply, G_VARIANT_TYPE("(u)")))
			r = -EPROTO;
		if (r == -ENOENT) {
			fprintf(stderr, "%s: no resource '%s' in the CIB; 'vigil resource list' shows "
				"them.\n", what, rsc);
			return VIGIL_EXIT_USAGE;
		}
		if (r == -EAGAIN || r == -ESTALE) {
			fprintf(stderr, "%s: the cluster's CIB is changing; nothing was cleaned up: run "
				"the command again.\n", what);
			return VIGIL_EXIT_ERROR;
		}
		if (r < 0)
			return vigil_daemon_error(what, r);
		g_variant_get(reply, "(u)", &removed);
	}
	printf("Cleaned up %s: %u history and fail-count entries forgotten; the cluster probes "
	       "it again.\n", rsc[0] != '\0' ? rsc : "every resource", removed);
	return VIGIL_EXIT_OK;
}

/* 'resource describe AGENT': the parameters its meta-data declares. */
static int describe(int argc, char **argv)
{
	const char *what = "vigil resource describe";
	g_auto(agent_name) a = { 0 };
	g_autoptr(GPtrArray) params = NULL;

	if (argc != 2) {
		fprintf(stderr, "%s: usage: %s AGENT (ocf:PROVIDER:TYPE).\n", what, what);
		return VIGIL_EXIT_USAGE;
	}
	if (agent_parse(what, argv[1], &a) < 0)
		return VIGIL_EXIT_USAGE;
	if (!agent_installed(&a) || (params = agent_params(&a)) == NULL) {
		fprintf(stderr, "%s: no meta-data from '%s'; is it an installed OCF agent ('vigil "
			"resource agents' lists them)?\n", what, argv[1]);
		return VIGIL_EXIT_USAGE;
	}
	printf("%s:%s:%s\nParameters:\n", a.class_, a.provider, a.type);
	for (guint i = 0; i < params->len; i++) {
		const agent_param *p = params->pdata[i];

		printf("  %s%s\n", p->name, p->required ? " (required)" : "");
	}
	return VIGIL_EXIT_OK;
}

static int resource_info(int argc, char **argv)
{
	if (strcmp(argv[0], "describe") == 0)
		return describe(argc, argv);
	if (strcmp(argv[0], "cleanup") == 0)
		return cleanup(argc, argv);
	if (strcmp(argv[0], "list") == 0 || strcmp(argv[0], "show") == 0 ||
	    strcmp(argv[0], "config") == 0)
		return resource_list();
	if (strcmp(argv[0], "standards") == 0) {
		puts("ocf\nstonith\nsystemd");
		return VIGIL_EXIT_OK;
	}
	if (strcmp(argv[0], "providers") == 0) {
		g_autoptr(GPtrArray) provs = vigil_ocf_list(NULL);

		return print_names(provs, "");
	}
	return agents(argc, argv);
}

static int node_maintenance(int argc, char **argv, bool on)
{
	return node_attr(on ? "vigil node maintenance" : "vigil node unmaintenance", argc, argv,
			 "maintenance", on ? "on" : NULL);
}
