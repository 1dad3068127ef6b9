#!/usr/bin/env bash
# The README's first command, less the install and build that the test run has done:
# 'scripts/seed-cluster up' brings the seed scenario up on 3 nodes that are libvirt LXC
# domains, with fencing on, and leaves it running, shows vigil-mon and says what to try;
# 'client' gets pages through the floating IP; 'kill' of the group's node cuts it off: the
# others fence it (its domain power-cycled), the group fails over, the node boots again and
# rejoins; 'vigil I ...' runs vigil on a node; 'down' removes every domain, namespace, cgroup
# and process it made; with VIGIL_SEED_NODES=netns it runs on network-namespace nodes,
# fencing off. Its state lives in a directory of this run.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
. "$(dirname "$0")/lxc.sh"
seed_lxc=1
. "$(dirname "$0")/seed-lib.sh"
cluster_require
lxc_require
require vigild "$VIGILD"
seed_require
script=$top_srcdir/scripts/seed-cluster

echo "1..10"
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
check "it shows vigil-mon (the group and the fence device started) and what to try, fencing on" \
	eval 'grep -q "Current DC: node1" "$tmp/up.out" &&
	      grep -Eq "vip	\(ocf:heartbeat:IPaddr2\):	 Started node[123]" "$tmp/up.out" &&
	      grep -Eq "haproxy	\(systemd:haproxy\):	 Started node[123]" "$tmp/up.out" &&
	      grep -Eq "vmfence	\(stonith:fence_vigil\):	 Started node[123]" "$tmp/up.out" &&
	      grep -q "scripts/seed-cluster down" "$tmp/up.out" &&
	      grep -q "scripts/seed-cluster kill" "$tmp/up.out" &&
	      grep -q "stonith-enabled=true" "$tmp/up.out" &&
	      grep -q "as libvirt LXC domains" "$tmp/up.out"' || diag "$tmp/up.out"
check "'client' gets pages from both web servers" \
	eval '"$script" client > "$tmp/client.out" && grep -q web1 "$tmp/client.out" &&
	      grep -q web2 "$tmp/client.out"'
on=$(sed -n 's/.*scripts\/seed-cluster kill \([0-9]*\).*/\1/p' "$tmp/up.out")
check "'vigil I ...' runs vigil on a node" \
	eval '"$script" vigil 2 status | grep -q "Current DC: node1"'
"$script" kill "$on" > /dev/null 2>&1
other=$(( on % 3 + 1 ))
check "'kill' of the group's node: the others fence it, and fail the group over: pages again" \
	wait_for 40 eval '"$script" vigil $other stonith history node$on |
			  grep -q "^reboot of node$on successful" &&
			  "$script" client | grep -q web && "$script" vigil $other status |
			  grep -Eq "vip	\(ocf:heartbeat:IPaddr2\):	 Started node[^$on]"'
seed_tmp=$(. "$VIGIL_SEED_STATE/state" && echo "$tmp")
all_online() { "$script" vigil "$other" status | grep -q "Online: \[ node1 node2 node3 \]"; }
check "the fenced node was power-cycled: it booted again, and rejoins" \
	eval '[ "$(grep -c "^boot " "$seed_tmp/node$on/boots")" = 2 ] && wait_for 60 all_online'
check "the page still comes through the floating IP" \
	eval '"$script" client | grep -q web'
id=$(. "$VIGIL_SEED_STATE/state" && echo "$cluster_id")
"$script" down > "$tmp/down.out" 2>&1
check "'down' says so and forgets its state" \
	eval 'grep -q "gone" "$tmp/down.out" && [ ! -f "$VIGIL_SEED_STATE/state" ]'
check "no domain, namespace, cgroup or process of it is left" \
	eval '! ip netns list | grep -q "^vg$id" &&
	      ! ls "$(cgroup2_root)" | grep -q "vigil-$id-" &&
	      [ ! -e "$seed_tmp" ] && ! pgrep -f "$seed_tmp" > /dev/null &&
	      ! pgrep -f "libvirt_lxc --name vigil${id}n" > /dev/null'
VIGIL_SEED_NODES=netns "$script" up 2 > "$tmp/netns.out" 2>&1
rc=$?
check "VIGIL_SEED_NODES=netns: network-namespace nodes, fencing off and said so, pages" \
	eval '[ $rc = 0 ] && grep -q "fencing stays off" "$tmp/netns.out" &&
	      grep -q "stonith-enabled=false" "$tmp/netns.out" &&
	      "$script" client | grep -q web' || diag "$tmp/netns.out"
"$script" down > /dev/null 2>&1
