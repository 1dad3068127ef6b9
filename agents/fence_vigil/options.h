/* fence_vigil's options, the fence-agents way: name=value lines on standard input when it
 * has no arguments (as Pacemaker runs fence agents), fence_xvm's short flags (-o -H -k -a
 * -p -i -r -c -C -t -w -u -d) or --name=value otherwise. The names and defaults are
 * fence_xvm's. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "fence/xvm.h"

typedef struct fv_opts {
	char *action;            /* "reboot" when not given */
	char *plug;              /* the domain: plug=, port=, domain= */
	char *key_file;
	char *group;             /* multicast_address; NULL: by family */
	unsigned port;           /* ipport: the daemon's UDP port */
	int family;              /* 0 (auto: the group's), AF_INET, AF_INET6 */
	unsigned retrans_ds;     /* retrans, tenths of a second */
	vigil_xvm_hash hash, auth;
	unsigned timeout_s, delay_s;
	bool use_uuid;
	unsigned debug;
} fv_opts;

/* Fills O from ARGV, or from IN when there are no arguments. Warnings for names it does
 * not know go to ERR. -EINVAL (after a message on ERR) for a bad value; 1 when --help or
 * --version was answered on standard output. */
int fv_opts_read(int argc, char **argv, FILE *in, FILE *err, fv_opts *o);
void fv_opts_clear(fv_opts *o);

/* The agent's meta-data (fence-agents' resource-agent XML). */
extern const char fv_metadata[];
