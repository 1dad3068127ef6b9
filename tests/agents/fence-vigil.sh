#!/usr/bin/env bash
# fence_vigil against Debian's fence_virtd, unchanged: the daemon on a host namespace of
# its own, its libvirt backend on libvirt's test driver (domains node1..node3), fence_vigil
# on a node namespace beside it (tests/cluster/netns.sh; no cluster software runs). Every
# action (list, status, off, on, reboot, monitor), options on standard input as a cluster
# passes them, sha256 and sha512 (a second daemon configured for sha512), a wrong key
# (a clear message, not a bare timeout), and two requests at once from one node (each
# listens on a port of its own, where two fence_xvm queue on port 1229).
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cluster/netns.sh"
cluster_require
FV=$top_builddir/agents/fence_vigil/fence_vigil
require "fence_vigil (make)" "$FV"
require "fence_virtd (fence-virtd)" /usr/sbin/fence_virtd
require "xmllint (libxml2-utils)" "$(command -v xmllint || echo /usr/bin/xmllint)"

echo "1..16"
cluster_create 2
host_create fence 50
host_create fence512 51
virtd_start fence 1229 sha256
virtd_start fence512 1230 sha512
key=$virtd_key

# fv ARGS...: fence_vigil on node 1; its output in $tmp/out, errors in $tmp/err, code in $rc
fv() {
	node_exec 1 "$FV" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
# fv_stdin TEXT: the same, the options on standard input
fv_stdin() {
	printf '%s\n' "$1" | node_exec 1 "$FV" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
said() { cat "$tmp/out" "$tmp/err"; echo "rc=$rc"; }
is() { # is RC [TEXT]: the code, and TEXT in the output
	[ "$rc" -eq "$1" ] && { [ -z "${2:-}" ] || grep -q -- "$2" "$tmp/out" "$tmp/err"; } ||
		{ said > "$tmp/why"; return 1; }
}
t() { # t DESCRIPTION RC [TEXT]
	local what=$1
	shift
	if is "$@"; then ok "$what"; else not_ok "$what"; diag "$tmp/why"; fi
}

fv -o metadata
if is 0 && xmllint --noout "$tmp/out" 2> "$tmp/why" &&
   grep -q '<parameter name="plug" unique="0" required="1"' "$tmp/out"; then
	ok "metadata: well-formed fence agent XML, plug required"
else
	not_ok "metadata: well-formed fence agent XML, plug required"; diag "$tmp/why"
fi
wait_for 10 eval 'node_exec 1 "$FV" -k "$key" -t 2 -o monitor > /dev/null 2>&1' ||
	bail "fence_virtd did not answer within 10 s"

fv -k "$key" -t 5 -o list
t "list: the daemon's domains, as fence_xvm prints them" 0 "^node2 *[0-9a-f-]\{36\} on$"
fv -k "$key" -t 5 -o status -H node2
t "status of a running domain: 'Status: ON', exit 0" 0 "^Status: ON$"
fv -k "$key" -t 5 -o off -H node2
rc1=$rc
fv -k "$key" -t 5 -o status -H node2
[ "$rc1" -eq 0 ] || echo "off exited $rc1" > "$tmp/out"
t "off (exit 0), then status: 'Status: OFF', exit 2" 2 "^Status: OFF$"
fv -k "$key" -t 5 -o on -H node2
fv -k "$key" -t 5 -o status -H node2
t "on, then status: ON again" 0 "^Status: ON$"
fv -k "$key" -t 5 -o reboot -H node3
t "reboot: exit 0" 0
check "fence_virtd power-cycled node3" \
	grep -q "Calling virDomainCreateLinux() for node3" "$tmp/fence_virtd-fence.log"
fv -k "$key" -t 5 -o monitor
t "monitor: exit 0" 0

fv_stdin "action=status
plug=node1
key_file=$key
timeout=5
nodename=node1
# a comment
colour=blue"
t "options on standard input (as the cluster passes them); an unknown name is ignored \
with a warning" 0 "ignoring unknown option 'colour'"
fv_stdin "action=status
port=node1
key_file=$key
timeout=5"
t "port= is the deprecated name of plug=" 0 "^Status: ON$"

fv -k "$key" -t 5 -c sha512 -o status -H node1
t "hash=sha512 against a daemon set to sha256 (a stronger request MAC is taken)" 0 "Status: ON"
fv -k "$key" -t 5 -p 1230 -c sha512 -C sha512 -o status -H node1
t "hash and auth sha512 against a daemon set to sha512" 0 "Status: ON"
fv -k "$key" -t 3 -p 1230 -o status -H node1
t "a sha256 request to the sha512 daemon is dropped, and said so" 1 \
	"no reply from 225.0.0.12:1230 on .*eth0 (198.18.0.1).* within 3 s: wrong key, or no fence daemon reachable"

head -c 512 /dev/urandom > "$tmp/wrong.key"
fv -k "$tmp/wrong.key" -t 3 -o status -H node1
t "a wrong key: exit 1 with what was tried, not a bare timeout" 1 \
	"no reply from 225.0.0.12:1229 on .*within 3 s: wrong key"
fv -k "$tmp/missing.key" -o validate-all
t "validate-all without the key file: exit 1, says to give key_file" 1 "give key_file="

# two at once from the same node: both answered (fence_xvm's second would wait for port 1229)
node_exec 1 "$FV" -k "$key" -t 10 -o status -H node1 > "$tmp/a.out" 2>&1 &
pa=$!
node_exec 1 "$FV" -k "$key" -t 10 -o status -H node3 > "$tmp/b.out" 2>&1 &
pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
if [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && grep -q "Status: ON" "$tmp/a.out" &&
   grep -q "Status: ON" "$tmp/b.out"; then
	ok "two requests at once from one node are both answered"
else
	not_ok "two requests at once from one node are both answered"
	cat "$tmp/a.out" "$tmp/b.out" | sed 's/^/#   /'
fi
