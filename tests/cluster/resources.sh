#!/usr/bin/env bash
# Resources really run: vigild's controller on the DC plans with the scheduler, the nodes run
# Debian's ocf:heartbeat:Dummy, unchanged, and the results land in the replicated CIB's
# status. 3 nodes in network namespaces, stonith-enabled=false (fencing is a later issue): a
# new resource is probed everywhere and started on one node; when that node dies it starts
# on a survivor; when its state is removed behind the cluster's back, its recurring monitor
# notices and the cluster recovers it, with a fail-count; a vigild that restarts has its
# node probed again, and nothing moves; 'vigil resource disable|enable' on the live cluster
# stops and starts it.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require "ocf:heartbeat:Dummy (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/Dummy

echo "1..14"
cluster_create 3
cluster_up 3

test_cib 3 '<primitive id="dummy1" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="dummy1-monitor" name="monitor" interval="2s" timeout="10s"/></operations></primitive>' > "$tmp/cib.xml"

state_file() { echo "$(node_dir "$1")/run/resource-agents/Dummy-dummy1.state"; }
# where_running: the one node whose Dummy state file exists (empty if none or several)
where_running() {
	local i found=""
	for i in $(seq "$cluster_nodes"); do
		if [ -e "$(state_file "$i")" ]; then
			[ -n "$found" ] && return 1
			found=$i
		fi
	done
	[ -n "$found" ] && echo "$found"
}
started_on() { # started_on I J: node J's 'vigil status' says dummy1 runs on node I
	says "$2" "^  \* dummy1	\(ocf:heartbeat:Dummy\):	 Started node$1\$"
}

wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
node_exec 2 "$VIGIL" config import "$tmp/cib.xml" > /dev/null 2>&1 || bail "import failed"
check "a new resource is started on exactly one node" \
	wait_for 30 eval 'n=$(where_running) && [ -n "$n" ]'
first=$(where_running)
check "'vigil status' on every node shows where it runs" \
	wait_for 10 eval 'started_on $first 1 && started_on $first 2 && started_on $first 3'
check "the DC logs the transition that started it" \
	grep -Eq "Start +dummy1 +\( node$first \)" "$(node_dir 1)/vigild.log"

# its node dies: vigild and corosync killed, link down
survivors=()
for i in 1 2 3; do [ "$i" != "$first" ] && survivors+=("$i"); done
node_kill "$first"
link_down "$first"
rm -f "$(state_file "$first")" # what a dead node ran is gone with it
check "when its node dies it starts on a survivor" \
	wait_for 60 eval 'n=$(where_running) && [ -n "$n" ] && [ "$n" != "$first" ] &&
			  started_on $n ${survivors[0]}'
second=$(where_running)

# its state removed behind the cluster's back: the 2 s monitor notices, the cluster recovers
rm -f "$(state_file "$second")"
check "a failed monitor is noticed and the resource recovered" \
	wait_for 30 eval '[ "$(where_running)" != "" ] &&
			  grep -q "monitor of dummy1 every 2000 ms: now not running" \
			       "$(node_dir "$second")/vigild.log"'
check "the failure is recorded in the CIB's status (fail-count)" \
	wait_for 10 eval 'node_exec ${survivors[0]} "$VIGIL" config export |
			  grep -q "fail-count-dummy1#monitor_2000"'

# a vigild restarts on the node that does not run it: its history is forgotten, the node
# probed again, and the resource stays where it is
third=${survivors[0]}
[ "$third" = "$second" ] && third=${survivors[1]}
vigild_kill "$third" TERM
vigild_start "$third"
check "a restarted vigild's node is probed again" \
	wait_for 30 grep -q "monitor dummy1: not running" "$(node_dir "$third")/vigild.log"
check "and the resource stays on its node, once" \
	eval '[ "$(where_running)" = "$second" ] && started_on $second $third'

# resource cleanup forgets the failure; the resource stays where it runs
node_exec "$third" "$VIGIL" resource cleanup dummy1 > "$tmp/cleanup.out" 2>&1
check "'vigil resource cleanup' says what it forgot" \
	grep -q "^Cleaned up dummy1: [1-9][0-9]* history and fail-count entries forgotten" "$tmp/cleanup.out"
check "and the fail-count is gone, the resource probed again and still on its node" \
	wait_for 20 eval '! node_exec $third "$VIGIL" config export | grep -q "fail-count-dummy1" &&
			  [ "$(where_running)" = "$second" ] && started_on $second $third'

# the live CIB changed with pcs's commands
node_exec "$third" "$VIGIL" resource disable dummy1 --wait=30 > "$tmp/disable.out" 2>&1
check "'vigil resource disable --wait' returns once it is stopped, and says so" \
	eval '[ -z "$(where_running)" ] && grep -q "^The cluster settled:" "$tmp/disable.out" &&
	      grep -Eq "dummy1.*Stopped \(disabled\)" "$tmp/disable.out"'
node_exec "$second" "$VIGIL" resource enable dummy1 > "$tmp/enable.out" 2>&1
check "'vigil resource enable' starts it again" \
	wait_for 20 eval '[ -n "$(where_running)" ]'

# resource restart: stopped, then started, each step waited for
wait_for 20 eval '[ -n "$(where_running)" ]'
node_exec "$second" "$VIGIL" resource restart dummy1 > "$tmp/restart.out" 2>&1
check "'vigil resource restart' stops and starts it, and returns once it runs again" \
	eval '[ -n "$(where_running)" ] && grep -q "^dummy1 restarted.$" "$tmp/restart.out" &&
	      grep -q "Stopped (disabled)" "$tmp/restart.out" &&
	      [ $(grep -c "stop dummy1: ok" "$(node_dir "$(where_running)")/vigild.log" \
		  "$(node_dir "$second")/vigild.log" | awk -F: "{s+=\$2} END {print s}") -ge 1 ]'

# deleted from the live CIB: stopped where it runs, with what it was started with
wait_for 20 eval '[ -n "$(where_running)" ]'
node_exec "$second" "$VIGIL" resource delete dummy1 > /dev/null 2>&1
check "'vigil resource delete' on the live cluster stops it (its agent and parameters remembered)" \
	wait_for 20 eval '[ -z "$(where_running)" ] &&
			  ! ls "$(node_dir 1)/run/resource-agents" "$(node_dir 2)/run/resource-agents" \
			    "$(node_dir 3)/run/resource-agents" | grep -q Dummy-dummy1'
