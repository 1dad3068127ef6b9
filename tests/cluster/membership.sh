#!/usr/bin/env bash
# vigild on a real corosync, 3 nodes in network namespaces: every node agrees on one DC
# (the lowest node id in the process group) and on quorum; a DC that dies is replaced at
# once; a partitioned minority loses quorum and elects its own DC, and the healed cluster
# agrees again; 'vigil status' shows it in crm_mon's layout; users outside haclient are
# refused; 'vigil node standby|unstandby' through vigild's command socket (no full CLI at
# hand), and through the full CLI where the socket has anything but success to say.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"

echo "1..18"
cluster_create 3
cluster_up 3

all3='Online: \[ node1 node2 node3 \]'
check "all three nodes see one DC, node1, with quorum and every node online" \
	wait_for 20 eval 'says 1 "Current DC: node1 .* with quorum" "$all3" &&
			  says 2 "Current DC: node1 .* with quorum" "$all3" &&
			  says 3 "Current DC: node1 .* with quorum" "$all3"'
check "'vigil status' names the cluster and counts its nodes" \
	says 2 "^Cluster name: vigiltest$cluster_id\$" '^  \* 3 nodes configured$' \
	"Last updated: .* on node2\$"
check "vigild logs the membership in one line" \
	grep -q "membership: members node1 node2 node3 (ring [0-9]*), quorate; DC node1" \
	"$(node_dir 2)/vigild.log"

check "without a systemd resource vigild never maps GIO (its systemd class is not loaded)" \
	eval '[ -r /proc/${vigild_pid[2]}/maps ] && ! grep -q "libgio\|vigil-systemd" /proc/${vigild_pid[2]}/maps &&
	      grep -q "libglib" /proc/${vigild_pid[2]}/maps'

vigild_kill 1 KILL
# a node lost without a fencing device (stonith-enabled is true by default): crm_mon says
# "UNCLEAN (offline)"
check "the DC's death makes node2 DC on the others, node1 shown lost (UNCLEAN)" \
	wait_for 10 eval 'says 2 "Current DC: node2 .* with quorum" "Node node1: UNCLEAN \(offline\)" &&
			 says 3 "Current DC: node2 .* with quorum" "Node node1: UNCLEAN \(offline\)"'
check "'vigil status' on a node without vigild says to start it (exit 69)" \
	eval '! status_of 1 >/dev/null; out=$(status_of 1); node_exec 1 "$VIGIL" status >/dev/null 2>&1;
	      [ $? -eq 69 ] && grep -q "vigild is not running on this node; start it" <<<"$out"'
vigild_start 1
check "a restarted vigild rejoins, and the lowest id is DC again everywhere" \
	wait_for 10 eval 'says 1 "Current DC: node1" "$all3" && says 3 "Current DC: node1" "$all3"'
check "a second vigild on the same node refuses to start" \
	eval 'node_exec 1 "$VIGILD" --wait-corosync 1 > "$tmp/second.log" 2>&1; [ $? -ne 0 ] &&
	      grep -q "another vigild runs on this node" "$tmp/second.log"'

link_down 3
check "a partitioned node loses quorum and is its own DC" \
	wait_for 15 says 3 "Current DC: node3 .* WITHOUT quorum" "Online: \[ node3 \]"
check "the majority keeps quorum and its DC, and shows the lost node (UNCLEAN)" \
	wait_for 15 says 1 "Current DC: node1 .* with quorum" "Online: \[ node1 node2 \]" \
	"Node node3: UNCLEAN \(offline\)"
link_up 3
check "after the heal all three agree again: DC node1, quorum" \
	wait_for 30 eval 'says 3 "Current DC: node1 .* with quorum" "$all3" &&
			  says 1 "Current DC: node1 .* with quorum" "$all3"'

# a member of haclient (a group file of the nodes' own) may ask; anyone else is refused
for i in 1 2 3; do
	{ grep -v '^haclient:' /etc/group; echo "haclient:x:64990:nobody"; } > "$(node_dir "$i")/etc/group"
done
vigild_kill 2 TERM
vigild_start 2
mkdir -p "$tmp/bin" && chmod 755 "$tmp" "$tmp/bin"
# the front end (the status socket) and the full CLI beside it (libqb's IPC, the refusal)
cp "$top_builddir/cli/vigil" "$top_builddir/cli/.libs/vigil-cli" \
	"$top_builddir"/lib/.libs/libvigil.so* "$tmp/bin/"
as_user() { # as_user USER: 'vigil status' on node2 as USER (with that user's groups)
	node_exec 2 setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups \
		env LD_LIBRARY_PATH="$tmp/bin" "$tmp/bin/vigil" status
}
mkdir -p "$tmp/front" && cp "$top_builddir/cli/vigil" "$tmp/front/"
check "'vigil status' is answered from vigild's status socket (no full CLI at hand)" \
	wait_for 10 eval 'node_exec 2 env VIGIL_CLI=/nonexistent "$tmp/front/vigil" status \
			  2>/dev/null | grep -q "Current DC: node1"'
check "a member of haclient gets the status" \
	wait_for 10 eval 'as_user nobody 2>/dev/null | grep -q "Current DC: node1"'
check "any other user is refused with exit 4 and what to do" \
	eval 'out=$(as_user daemon 2>&1); rc=$?; [ $rc -eq 4 ] &&
	      grep -q "permission denied: only root and members of group .haclient." <<<"$out"'

# 'vigil node standby|unstandby NODE' through the command socket, the front end alone
front2() { node_exec 2 env VIGIL_CLI=/nonexistent "$tmp/front/vigil" "$@"; }
check "'vigil node standby node3' through the command socket: exit 0, node3 in standby" \
	eval 'front2 node standby node3 > "$tmp/sb.out" 2>&1 && [ ! -s "$tmp/sb.out" ] &&
	      wait_for 10 eval "says 1 \"Node node3: standby\""'
check "vigild took it from its command socket, and every node agrees" \
	eval 'grep -q "node node3: standby on by a local client" "$(node_dir 2)/vigild.log" &&
	      says 3 "Node node3: standby"'
check "'vigil node unstandby node3' through the socket: node3 online again" \
	eval 'front2 node unstandby node3 && wait_for 10 eval "says 1 \"$all3\"" &&
	      grep -q "node node3: standby removed by a local client" "$(node_dir 2)/vigild.log"'
node_exec 2 "$VIGIL" node standby node9 > "$tmp/sb9.out" 2>&1
rc=$?
check "an unknown node: the full CLI says so (exit 64), nothing changed" \
	eval '[ $rc = 64 ] && grep -q "no node .node9. in the CIB" "$tmp/sb9.out" &&
	      ! grep -q "node9" "$(node_dir 2)/vigild.log" && says 1 "$all3"'
