#!/usr/bin/env bash
# The README's first command, less the install and build that the test run has done:
# 'scripts/seed-cluster up' brings the seed scenario up on 3 nodes and leaves it running,
# shows vigil-mon and says what to try; 'client' gets pages through the floating IP; 'kill'
# of the group's node fails it over; 'vigil I ...' runs vigil on a node; 'down' removes
# every namespace, cgroup and process it made. Its state lives in a directory of this run.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/seed-lib.sh"
cluster_require
require vigild "$VIGILD"
seed_require
script=$top_srcdir/scripts/seed-cluster

echo "1..7"
make_tmp seed-cluster
export VIGIL_SEED_STATE=$tmp/state
# whatever happens, nothing stays: 'down', or the harness's own cleanup of its state
trap '[ -f "$VIGIL_SEED_STATE/state" ] && { "$script" down > /dev/null 2>&1 ||
	(. "$VIGIL_SEED_STATE/state" && cluster_cleanup); }; rm -rf "$tmp"' EXIT

"$script" up 3 > "$tmp/up.out" 2>&1
rc=$?
check "'seed-cluster up' succeeds and leaves the cluster running" \
	eval '[ $rc -eq 0 ] && [ -f "$VIGIL_SEED_STATE/state" ]'
[ $rc -eq 0 ] || { diag "$tmp/up.out"; bail "the seed cluster did not come up"; }
check "it shows vigil-mon (the group started) and what to try, fencing off and said so" \
	eval 'grep -q "Current DC: node1" "$tmp/up.out" &&
	      grep -Eq "vip	\(ocf:heartbeat:IPaddr2\):	 Started node[123]" "$tmp/up.out" &&
	      grep -Eq "haproxy	\(systemd:haproxy\):	 Started node[123]" "$tmp/up.out" &&
	      grep -q "scripts/seed-cluster down" "$tmp/up.out" &&
	      grep -q "scripts/seed-cluster kill" "$tmp/up.out" &&
	      grep -q "stonith-enabled=false" "$tmp/up.out"'
check "'client' gets pages from both web servers" \
	eval '"$script" client > "$tmp/client.out" && grep -q web1 "$tmp/client.out" &&
	      grep -q web2 "$tmp/client.out"'
on=$(sed -n 's/.*scripts\/seed-cluster kill \([0-9]*\).*/\1/p' "$tmp/up.out")
check "'vigil I ...' runs vigil on a node" \
	eval '"$script" vigil 2 status | grep -q "Current DC: node1"'
"$script" kill "$on" > /dev/null 2>&1
other=$(( on % 3 + 1 ))
check "'kill' of the group's node fails it over: pages again" \
	wait_for 30 eval '"$script" client | grep -q web && "$script" vigil $other status |
			  grep -Eq "vip	\(ocf:heartbeat:IPaddr2\):	 Started node[^$on]"'
id=$(. "$VIGIL_SEED_STATE/state" && echo "$cluster_id")
seed_tmp=$(. "$VIGIL_SEED_STATE/state" && echo "$tmp")
"$script" down > "$tmp/down.out" 2>&1
check "'down' says so and forgets its state" \
	eval 'grep -q "gone" "$tmp/down.out" && [ ! -f "$VIGIL_SEED_STATE/state" ]'
check "no namespace, cgroup or process of it is left" \
	eval '! ip netns list | grep -q "^vg$id" &&
	      ! ls "$(cgroup2_root)" | grep -q "vigil-$id-" &&
	      [ ! -e "$seed_tmp" ] && ! pgrep -f "$seed_tmp" > /dev/null'
