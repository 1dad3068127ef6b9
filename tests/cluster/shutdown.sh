#!/usr/bin/env bash
# Leaving cleanly, on 3 nodes:
# - SIGTERM to vigild on the node that runs a resource: the DC moves the resource away,
#   then vigild exits 0, and the node is recorded down cleanly (expected="down": a node
#   that was lost would be expected="member", and fenced with stonith-enabled=true);
# - its transient attributes (a fail-count, "shutdown") went when it left, as Pacemaker's
#   DC erases them; it comes back as a member;
# - 'vigil cluster stop' on a node stops vigild and corosync there, resources moved first;
# - 'vigil cluster stop --all' stops every vigild and corosync, resources stopped first;
# - 'vigil cluster start' on each node (no systemd here) brings the cluster back.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require "ocf:heartbeat:Dummy (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/Dummy

echo "1..15"
cluster_create 3
cluster_up 3
wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
v() { node_exec "$1" "$VIGIL" "${@:2}"; }
v 1 property set stonith-enabled=false > /dev/null &&
v 1 resource create d1 ocf:heartbeat:Dummy op monitor interval=10s > /dev/null ||
	bail "the configuration commands failed"

# d1 runs where its state file is, in that node's private /run
runs_on() { [ -e "$(node_dir "$1")/run/resource-agents/Dummy-d1.state" ]; }
holder() {
	local i found=""
	for i in 1 2 3; do
		runs_on "$i" || continue
		[ -n "$found" ] && return 1
		found=$i
	done
	[ -n "$found" ] && echo "$found"
}
wait_for 30 eval '[ -n "$(holder)" ]' || bail "d1 did not start"

h=$(holder)
other=$(( h % 3 + 1 ))
pid=${vigild_pid[$h]}
# a failure there first: its fail-count is one of the node's transient attributes
rm -f "$(node_dir "$h")/run/resource-agents/Dummy-d1.state"
wait_for 30 eval 'v $other config export | grep -q "fail-count-d1#monitor_10000" && runs_on $h' ||
	bail "d1's failed monitor was not recorded"
kill -TERM "$pid"
check "SIGTERM: vigild on node$h exits 0 once d1 has moved away" eval '
	wait_for 30 eval "! kill -0 $pid 2>/dev/null"; wait $pid; [ $? = 0 ] &&
	grep -q "shutting down: nothing runs here any more" "$(node_dir $h)/vigild.log"'
check "d1 runs on another node, and was stopped on node$h first" \
	eval 'n=$(holder) && [ "$n" != "$h" ] && ! runs_on $h'
# node$h's node_state in the live CIB, on one line
state_of() { v "$other" config export | tr -d '\n' | grep -o "<node_state [^>]*uname=\"node$1\"[^>]*>"; }
check "node$h is recorded down cleanly (expected=down), as the DC logs" eval '
	wait_for 10 says $other "OFFLINE: \[ node$h \]" &&
	wait_for 10 eval "state_of $h | grep -q \"expected=.down.\"" &&
	grep -q "node node$h left cleanly" "$tmp"/node*/vigild.log'

vigild_start "$h"
check "its transient attributes went when it left (its fail-count, 'shutdown')" eval '
	! v $other config export | grep -q "fail-count-d1\|name=\"shutdown\""'
check "it comes back as a member, no 'shutdown' attribute left behind" eval '
	wait_for 30 says $other "Online: \[ node1 node2 node3 \]" &&
	! v $other config export | grep -q "name=\"shutdown\""'

h=$(holder)
other=$(( h % 3 + 1 ))
pid=${vigild_pid[$h]}
v "$h" cluster stop > "$tmp/stop.out" 2>&1
rc=$?
check "'vigil cluster stop' on node$h returns 0 once vigild has stopped" eval '
	[ $rc = 0 ] && grep -q "^Stopped vigild and corosync on this node\.$" "$tmp/stop.out" &&
	{ wait $pid; [ $? = 0 ]; } || { sed "s/^/# /" "$tmp/stop.out"; false; }'
check "corosync on node$h is stopped too" \
	eval 'wait_for 10 eval "! kill -0 ${corosync_pid[$h]} 2>/dev/null"; wait ${corosync_pid[$h]}; [ $? = 0 ]'
check "d1 moved away first; node$h is down cleanly" eval '
	n=$(holder) && [ "$n" != "$h" ] && wait_for 10 eval "state_of $h | grep -q \"expected=.down.\""'
check "the other two keep quorum and show node$h down cleanly" \
	wait_for 10 says "$other" "with quorum" "OFFLINE: \[ node$h \]"

# the stopped node comes back (corosync, then vigild), then the whole cluster stops
corosync_start "$h"
corosync_wait_quorate "$h" 30 || { cat "$(node_dir "$h")/corosync.out" "$(node_dir "$h")/run/corosync.log" | tail -20 | sed "s/^/# /"; bail "corosync on node$h did not come back"; }
vigild_start "$h"
wait_for 30 says "$other" "Online: \[ node1 node2 node3 \]" || bail "node$h did not rejoin"
pids="${vigild_pid[1]} ${vigild_pid[2]} ${vigild_pid[3]}"
v "$other" cluster stop --all > "$tmp/all.out" 2>&1
rc=$?
check "'vigil cluster stop --all' returns 0" eval '[ $rc = 0 ] && grep -q "^Stopped vigild and corosync on this node; the other" "$tmp/all.out"'
check "every vigild stops, and every corosync" eval '
	for p in $pids; do wait_for 30 eval "! kill -0 $p 2>/dev/null" || exit 1; done
	for i in 1 2 3; do
		wait_for 10 eval "! kill -0 ${corosync_pid[$i]} 2>/dev/null" || exit 1
	done'
check "d1 was stopped before they left" eval '[ -z "$(holder)" ] && ! runs_on 1 && ! runs_on 2 && ! runs_on 3'

# 'vigil cluster start' on each node, as on a host without systemd: corosync daemonizes,
# vigild runs in a session of its own; both are ended by the pids they wrote
for i in 1 2 3; do
	at_cleanup "kill_pidfile $(node_dir "$i")/run/vigil/vigild.pid; kill_pidfile $(node_dir "$i")/run/corosync.pid"
done
starters=()
kill_pidfile() { local p; p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; }
for i in 1 2 3; do
	node_exec "$i" env VIGILD="$VIGILD" \
		VIGILD_OPTIONS="--logfile $(node_dir "$i")/vigild-started.log --wait-corosync 30" \
		"$VIGIL" cluster start --wait=60 > "$tmp/start$i.out" 2>&1 &
	starters+=("$!")
done
wait "${starters[@]}"
check "'vigil cluster start' starts corosync and vigild on each node, and says so" eval '
	grep -q "^Started corosync and vigild on this node: [0-9] of 3 nodes online, DC node[0-9]" "$tmp/start1.out" &&
	grep -q "^Started corosync and vigild" "$tmp/start2.out" &&
	grep -q "^Started corosync and vigild" "$tmp/start3.out" || { cat "$tmp"/start*.out | sed "s/^/# /"; false; }'
check "the three form a cluster again, and d1 runs" \
	wait_for 30 eval 'says 1 "Online: \[ node1 node2 node3 \]" && [ -n "$(holder)" ]'
node_exec 1 "$VIGIL" cluster start > "$tmp/again.out" 2>&1
check "'vigil cluster start' where vigild runs says so, and exits 0" \
	eval '[ $? = 0 ] && grep -q "^vigild is already running on this node\.$" "$tmp/again.out"'
dump_logs
