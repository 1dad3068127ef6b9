#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "cib/verify.h"
#include "cli/cli.h"
#include "cli/edit.h"
#include "ipc/ipc.h"
#include "sched/sched.h"

static const char *name_of(const edit_session *s)
{
	return s->file != NULL ? s->file : "the live CIB";
}

int vigil_live_query(const char *what, char **ret_text, vigil_cib_version *ret_version)
{
	bool synced = true;
	int r = vigil_live_text(10000, ret_text, ret_version, &synced);

	if (r < 0)
		return vigil_daemon_error(what, r);
	if (!synced)
		fprintf(stderr, "%s: note: this node is still taking the cluster's copy of the "
			"CIB; what follows may be older.\n", what);
	return 0;
}

int vigil_live_replace(const char *what, const vigil_cib_version *base, const char *text,
		       vigil_cib_version *ret_now)
{
	g_autoptr(GVariant) reply = NULL;
	int r;

	r = vigil_ipc_call(VIGIL_IPC_SERVICE, VIGIL_IPC_CIB_REPLACE,
			   g_variant_new("(ttts)", base->admin_epoch, base->epoch,
					 base->num_updates, text), 30000, &reply);
	if (r == 0 && !g_variant_is_of_type(reply, G_VARIANT_TYPE("(ttt)")))
		r = -EPROTO;
	switch (r) {
	case 0:
		if (ret_now != NULL)
			g_variant_get(reply, "(ttt)", &ret_now->admin_epoch, &ret_now->epoch,
				      &ret_now->num_updates);
		return 0;
	case -ESTALE:
		if (vigil_stale_retries > 0) {
			vigil_stale = true; /* main() runs the command again, on the new CIB */
			return VIGIL_EXIT_ERROR;
		}
		fprintf(stderr, "%s: the cluster's CIB changed meanwhile; nothing was changed: run "
			"the command again.\n", what);
		return VIGIL_EXIT_ERROR;
	case -EAGAIN:
		fprintf(stderr, "%s: the cluster is synchronizing its CIB after a membership "
			"change; nothing was changed: run the command again in a moment.\n", what);
		return VIGIL_EXIT_ERROR;
	case -EINVAL:
		fprintf(stderr, "%s: vigild refused the new CIB as invalid; nothing was changed. "
			"Its log says why.\n", what);
		return VIGIL_EXIT_CONFIG;
	default:
		return vigil_daemon_error(what, r);
	}
}

int edit_open(edit_session *s, const char *what, const char *file)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	int r;

	*s = (edit_session){ .what = what, .file = file };
	if (file != NULL) {
		if (!g_file_get_contents(file, &text, &len, &err)) {
			fprintf(stderr, "%s: cannot read %s: %s.\n", what, file, err->message);
			return VIGIL_EXIT_ERROR;
		}
	} else {
		if ((r = vigil_live_query(what, &text, &s->base)) != 0)
			return r;
		len = strlen(text);
	}
	r = vigil_cib_parse(text, len, name_of(s), diags, &s->cib);
	if (r < 0) {
		for (guint i = 0; i < diags->len; i++)
			vigil_print_diag(stderr, name_of(s), g_ptr_array_index(diags, i));
		fprintf(stderr, "%s: %s is not a valid CIB; fix it first ('vigil config verify%s%s')."
			"\n", what, name_of(s), file != NULL ? " -x " : "", file != NULL ? file : "");
		return VIGIL_EXIT_CONFIG;
	}
	s->doc = xmlReadMemory(text, (int)len, name_of(s), NULL,
			       XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
			       XML_PARSE_NOWARNING);
	if (s->doc == NULL) {
		fprintf(stderr, "%s: cannot read %s as XML.\n", what, name_of(s));
		return VIGIL_EXIT_CONFIG;
	}
	return 0;
}

void edit_close(edit_session *s)
{
	g_clear_pointer(&s->doc, xmlFreeDoc);
	g_clear_pointer(&s->cib, vigil_cib_free);
}

int edit_finish(edit_session *s, int rc, const char *done)
{
	if (rc == 0)
		rc = edit_commit(s);
	if (rc == 0 && done != NULL)
		printf("%s\n", done);
	edit_close(s);
	return rc;
}

/* The changed document, read and checked: 0, or the exit code after the messages. */
static int check(edit_session *s, char **ret_text, vigil_cib **ret_cib)
{
	g_autoptr(GPtrArray) diags = vigil_diags_new();
	g_autoptr(vigil_cib) cib = NULL;
	xmlChar *buf = NULL;
	int len = 0, r;

	xmlDocDumpFormatMemory(s->doc, &buf, &len, 1);
	r = vigil_cib_parse((const char *)buf, (size_t)len, "the changed CIB", diags, &cib);
	if (r == 0)
		vigil_cib_verify(cib, (int64_t)time(NULL), diags);
	if (r < 0 || vigil_diags_have_errors(diags)) {
		for (guint i = 0; i < diags->len; i++) {
			const vigil_diag *d = g_ptr_array_index(diags, i);

			if (d->severity == VIGIL_ERROR)
				fprintf(stderr, "%s: error: %s\n", s->what, d->message);
		}
		fprintf(stderr, "%s: the change would make the CIB invalid; nothing was changed.\n",
			s->what);
		xmlFree(buf);
		return VIGIL_EXIT_CONFIG;
	}
	*ret_text = g_strndup((const char *)buf, (gsize)len);
	*ret_cib = g_steal_pointer(&cib);
	xmlFree(buf);
	return 0;
}

static int write_file(edit_session *s, vigil_cib *cib)
{
	g_autofree char *tmp = g_strconcat(s->file, ".vigil-tmp", NULL);

	/* a configuration change: the next epoch, as the cluster would count it */
	vigil_cib_bump_epoch(cib);
	if (vigil_cib_save_file(cib, tmp) < 0 || rename(tmp, s->file) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s; it is unchanged.\n", s->what, s->file,
			g_strerror(errno));
		unlink(tmp);
		return VIGIL_EXIT_ERROR;
	}
	return 0;
}

int vigil_wait_seconds = -1;

/* Whether the cluster has nothing left to do: the scheduler, run here on the live CIB,
 * plans no action. Sets *RET_STATE to the resources' lines. */
static bool settled(char **ret_state)
{
	g_autoptr(vigil_cib) cib = NULL;
	g_autoptr(vigil_sched) sched = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	if (vigil_live_cib(&cib) < 0)
		return false;
	vigil_sched_unpack(cib, (int64_t)time(NULL), &sched);
	vigil_sched_run(sched);
	for (guint i = 0; i < sched->actions->len; i++) {
		const vigil_action *a = g_ptr_array_index(sched->actions, i);

		if (vigil_action_in_graph(a) && !(a->flags & VIGIL_ACT_PSEUDO))
			return false;
	}
	vigil_sched_format_resources(sched, 1, out);
	*ret_state = g_string_free(g_steal_pointer(&out), FALSE);
	return true;
}

int vigil_wait_settled(const char *what)
{
	gint64 until = g_get_monotonic_time() + (gint64)vigil_wait_seconds * G_USEC_PER_SEC;
	g_autofree char *state = NULL;

	/* the DC needs a moment to see the change and plan */
	g_usleep(200 * 1000);
	while (!settled(&state)) {
		if (g_get_monotonic_time() >= until) {
			fprintf(stderr, "%s: the change is made, but the cluster did not settle within "
				"%d s; 'vigil status' shows what it is doing.\n", what,
				vigil_wait_seconds);
			return VIGIL_EXIT_TIMEOUT;
		}
		g_usleep(100 * 1000);
	}
	printf("The cluster settled:\n%s", state);
	return VIGIL_EXIT_OK;
}

int edit_commit(edit_session *s)
{
	g_autoptr(vigil_cib) cib = NULL;
	g_autofree char *text = NULL;
	int rc = check(s, &text, &cib);

	if (rc != 0)
		return rc;
	if (s->file != NULL)
		return write_file(s, cib);
	rc = vigil_live_replace(s->what, &s->base, text, NULL);
	if (rc == 0 && vigil_wait_seconds >= 0)
		rc = vigil_wait_settled(s->what);
	return rc;
}

/* ---- the XML ------------------------------------------------------------------------- */

xmlNode *edit_child(xmlNode *parent, const char *name, bool create)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, X(name)))
			return c;
	return create ? xmlNewChild(parent, NULL, X(name), NULL) : NULL;
}

xmlNode *edit_section(edit_session *s, const char *name)
{
	xmlNode *conf = edit_child(xmlDocGetRootElement(s->doc), "configuration", true);

	return edit_child(conf, name, true);
}

static xmlNode *find_id(xmlNode *n, const char *id)
{
	for (; n != NULL; n = n->next) {
		xmlChar *v;
		xmlNode *found;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = xmlGetProp(n, X("id"));
		if (v != NULL && xmlStrEqual(v, X(id))) {
			xmlFree(v);
			return n;
		}
		xmlFree(v);
		if ((found = find_id(n->children, id)) != NULL)
			return found;
	}
	return NULL;
}

xmlNode *edit_find_id(edit_session *s, const char *id)
{
	xmlNode *conf = edit_child(xmlDocGetRootElement(s->doc), "configuration", false);

	return conf != NULL ? find_id(conf->children, id) : NULL;
}

xmlNode *edit_find_resource(edit_session *s, const char *id)
{
	xmlNode *n = edit_find_id(s, id);

	if (n != NULL && (xmlStrEqual(n->name, X("primitive")) || xmlStrEqual(n->name, X("group"))))
		return n;
	fprintf(stderr, "%s: no resource '%s' in %s; 'vigil resource list' shows the ids.\n",
		s->what, id, s->file != NULL ? s->file : "the CIB");
	return NULL;
}

xmlNode *edit_find_node(edit_session *s, const char *uname)
{
	for (xmlNode *n = edit_section(s, "nodes")->children; n != NULL; n = n->next) {
		xmlChar *u = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, X("uname")) : NULL;
		bool match = u != NULL && xmlStrEqual(u, X(uname));

		xmlFree(u);
		if (match)
			return n;
	}
	fprintf(stderr, "%s: no node '%s' in %s; 'vigil status' lists the nodes.\n", s->what,
		uname, s->file != NULL ? s->file : "the CIB");
	return NULL;
}

/* Only the configuration's ids count: the status keeps the history of a resource deleted
 * a moment ago under its id, and it may be created again. */
bool edit_id_free(edit_session *s, const char *id)
{
	return edit_find_id(s, id) == NULL;
}

/* ID, or ID-2, ID-3...: the first that is free in the configuration. */
static char *free_id(xmlDoc *doc, const char *id)
{
	xmlNode *conf = edit_child(xmlDocGetRootElement(doc), "configuration", false);
	char *candidate = g_strdup(id);

	for (int i = 2; conf != NULL && find_id(conf->children, candidate) != NULL; i++) {
		g_free(candidate);
		candidate = g_strdup_printf("%s-%d", id, i);
	}
	return candidate;
}

static char *sanitize_id(const char *raw)
{
	char *id = g_strdup(raw);

	for (char *p = id; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
			*p = '-';
	return id;
}

xmlNode *edit_nvset(xmlNode *node, const char *element)
{
	xmlNode *set = edit_child(node, element, false);
	g_autofree char *base = NULL, *id = NULL;
	xmlChar *owner;

	if (set != NULL)
		return set;
	owner = xmlGetProp(node, X("id"));
	/* a node's id is a number, not an XML id: pcs names its sets "nodes-ID" */
	if (xmlStrEqual(node->name, X("node")))
		base = g_strdup_printf("nodes-%s", owner != NULL ? (const char *)owner : "");
	else
		base = g_strdup_printf("%s-%s", owner != NULL ? (const char *)owner : element,
				       element);
	xmlFree(owner);
	id = free_id(node->doc, base);
	/* instance and meta attributes come before <operations> */
	set = xmlNewNode(NULL, X(element));
	xmlNewProp(set, X("id"), X(id));
	if (node->children != NULL)
		xmlAddPrevSibling(node->children, set);
	else
		xmlAddChild(node, set);
	return set;
}

bool edit_nvpair(xmlNode *set, const char *name, const char *value)
{
	for (xmlNode *p = set->children; p != NULL; p = p->next) {
		xmlChar *n;
		bool match;

		if (p->type != XML_ELEMENT_NODE || !xmlStrEqual(p->name, X("nvpair")))
			continue;
		n = xmlGetProp(p, X("name"));
		match = n != NULL && xmlStrEqual(n, X(name));
		xmlFree(n);
		if (!match)
			continue;
		if (value != NULL) {
			xmlSetProp(p, X("value"), X(value));
		} else {
			xmlUnlinkNode(p);
			xmlFreeNode(p);
		}
		return true;
	}
	if (value != NULL) {
		xmlChar *set_id = xmlGetProp(set, X("id"));
		g_autofree char *raw = g_strdup_printf("%s-%s", set_id != NULL ?
						       (const char *)set_id : "nv", name);
		g_autofree char *clean = sanitize_id(raw);
		g_autofree char *id = free_id(set->doc, clean);
		xmlNode *p = xmlNewChild(set, NULL, X("nvpair"), NULL);

		xmlFree(set_id);
		xmlNewProp(p, X("id"), X(id));
		xmlNewProp(p, X("name"), X(name));
		xmlNewProp(p, X("value"), X(value));
	}
	return false;
}

bool edit_split_nv(const char *what, const char *arg, char **ret_name, char **ret_value)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "%s: '%s' is not NAME=VALUE.\n", what, arg);
		return false;
	}
	*ret_name = g_strndup(arg, (gsize)(eq - arg));
	*ret_value = g_strdup(eq + 1);
	return true;
}
