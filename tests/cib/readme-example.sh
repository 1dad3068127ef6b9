#!/usr/bin/env bash
# The README's first command must be install, build, 'scripts/seed-cluster up' (which
# tests/cluster/seed-cluster.sh runs); the seed CIB the README then shows offline must
# verify, show and simulate as the README says.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
readme=$top_srcdir/README.md
seed=$top_srcdir/examples/seed-cib.xml

echo "1..5"
first=$(grep -m1 '^scripts/install-deps' "$readme")
if [ "$first" = "scripts/install-deps && scripts/build && scripts/seed-cluster up" ] &&
   grep -q 'cli/vigil config verify -x examples/seed-cib.xml' "$readme" &&
   grep -q 'cli/vigil simulate -x' "$readme"; then
	echo "ok 1 - README's first command runs the seed scenario; it names the offline checks"
else
	echo "not ok 1 - README's first command runs the seed scenario; it names the offline checks"
	echo "# found: $first"
fi

out=$("$VIGIL" config verify -x "$seed" 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
	echo "ok 2 - the seed CIB verifies cleanly"
else
	echo "not ok 2 - the seed CIB verifies cleanly (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

show=$("$VIGIL" config show -x "$seed" 2>&1); rc=$?
want=("Group: hagroup" "Resource: vip (class=ocf provider=heartbeat type=IPaddr2)"
      "Resource: haproxy (class=systemd type=haproxy)"
      "Resource: vmfence (class=stonith type=fence_xvm)"
      "Fences: node1 as vm-node1, node2 as vm-node2" "stonith-enabled: true"
      "node1 (id:1)" "node2 (id:2)")
missing=""
for w in "${want[@]}"; do
	[[ "$show" == *"$w"* ]] || missing+="[$w] "
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
	echo "ok 3 - config show lists the seed scenario's nodes, group, stonith and properties"
else
	echo "not ok 3 - config show lists the seed scenario (exit $rc, missing: $missing)"
fi

grep -q -E '^scripts/install-deps && scripts/build --enable-fatal-warnings && scripts/run-tests$' \
	"$readme" && grep -q -F 'scripts/install-deps && scripts/build --enable-fatal-warnings && scripts/run-tests' \
	"$top_srcdir/.ci/run"
if [ $? -eq 0 ]; then
	echo "ok 4 - .ci/run runs exactly the README's second command"
else
	echo "not ok 4 - .ci/run runs exactly the README's second command"
fi

sim=$("$VIGIL" simulate -x "$seed" -S 2>&1); rc=$?
want=("* Start      vip         ( node1 )" "* Start      haproxy     ( node1 )"
      "* Start      vmfence     ( node2 )" "Revised Cluster Status:")
missing=""
for w in "${want[@]}"; do
	[[ "$sim" == *"$w"* ]] || missing+="[$w] "
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
	echo "ok 5 - simulate starts the group on node1 and the fence device on node2, as the README says"
else
	echo "not ok 5 - simulate of the seed scenario (exit $rc, missing: $missing)"
fi
