#!/usr/bin/env bash
# The replicated CIB on a real corosync, 3 nodes in network namespaces: a configuration
# imported on one node is held, byte for byte and on disk, by every node; a node that was
# down when it changed takes the newer copy when it rejoins; after a partition heals the
# newest copy wins everywhere; an invalid file changes nothing; a CIB corrupted on disk is
# refused at start.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require crm_verify "$CRM_VERIFY"

echo "1..11"
cluster_create 3
cluster_up 3
# the seed CIB with the third node: the DC adds the nodes of corosync's nodelist that a CIB
# lacks (a change of its own, which would shift the epochs counted below); without fencing:
# this test is about the CIB, and the nodes have no fence daemon to answer fence_xvm
seed=$tmp/seed-cib.xml
sed -e 's|<node id="2" uname="node2"/>|&<node id="3" uname="node3"/>|' \
	-e 's|name="stonith-enabled" value="true"|name="stonith-enabled" value="false"|' \
	"$top_srcdir/examples/seed-cib.xml" > "$seed"

export_of() { node_exec "$1" "$VIGIL" config export 2>/dev/null; }
# same_everywhere [memory]: every node exports the same CIB, and has it on disk
same_everywhere() {
	local a b c
	a=$(export_of 1) && b=$(export_of 2) && c=$(export_of 3) || return 1
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ] || return 1
	[ "${1:-}" = memory ] && return 0
	for i in 1 2 3; do
		[ "$(cat "$(node_dir "$i")/vigil/cib.xml" 2>/dev/null)" = "$a" ] || return 1
	done
}
epoch_of() { export_of "$1" | sed -n 's/^<cib[^>]* epoch="\([0-9]*\)".*/\1/p'; }
# with_property FILE NAME VALUE: FILE's CIB with one more cluster property, on stdout
with_property() {
	sed "s|<cluster_property_set id=\"cib-bootstrap-options\">|&<nvpair id=\"opt-$2\" name=\"$2\" value=\"$3\"/>|" "$1"
}

check "the nodes start from the same CIB: empty, but for the nodes the DC added" \
	wait_for 20 eval 'same_everywhere memory && [ "$(epoch_of 1)" = 1 ] &&
			  [ "$(export_of 1 | grep -c "<node id=\"[123]\" uname=\"node[123]\"/>")" = 3 ]'
out=$(node_exec 2 "$VIGIL" config import "$seed" 2>&1)
check "'vigil config import' on node2 says the new version" \
	grep -q "^The cluster's configuration is now .*seed-cib.xml's (CIB version 0.13.0)." <<<"$out"
check "every node holds the imported CIB, in memory and on disk" \
	wait_for 10 same_everywhere
check "'vigil config show' on node3 lists the imported resources" \
	eval 'node_exec 3 "$VIGIL" config show | grep -q "vip"'
# the live CIB has no node status yet (no controller writes it): both tools warn alike
check "'vigil config verify' on the live CIB gives crm_verify's verdict on it" \
	eval 'export_of 1 > "$tmp/live.xml"; node_exec 1 "$VIGIL" config verify 2>/dev/null;
	      v=$?; "$CRM_VERIFY" -x "$tmp/live.xml" >/dev/null 2>&1; c=$?; [ $v -eq $c ]'

# an invalid file is refused before anything is sent
printf '<cib epoch="1"><configuration><bogus/></configuration></cib>\n' > "$tmp/bad.xml"
check "an invalid file is refused (exit 78) and changes nothing" \
	eval 'node_exec 1 "$VIGIL" config import "$tmp/bad.xml" > "$tmp/bad.out" 2>&1;
	      [ $? -eq 78 ] && grep -q "nothing was changed" "$tmp/bad.out" &&
	      [ "$(epoch_of 3)" = 13 ] && same_everywhere'

# a node that was down when the CIB changed takes the newer copy when it comes back
vigild_kill 3 KILL
with_property "$seed" maintenance-mode false > "$tmp/v2.xml"
node_exec 1 "$VIGIL" config import "$tmp/v2.xml" > /dev/null 2>&1
vigild_start 3
check "a node that missed a change takes the cluster's newer copy when it rejoins" \
	wait_for 20 eval 'same_everywhere && [ "$(epoch_of 3)" = 14 ] &&
			  export_of 3 | grep -q "name=\"maintenance-mode\""'

# a partition: both sides change the CIB; after the heal the newest version wins
link_down 3
wait_for 20 says 3 "WITHOUT quorum" || bail "node3 did not notice the partition"
with_property "$seed" stop-all-resources false > "$tmp/minority.xml"
with_property "$seed" no-quorum-policy stop > "$tmp/majority.xml"
node_exec 1 "$VIGIL" config import "$tmp/majority.xml" > /dev/null 2>&1
node_exec 3 "$VIGIL" config import "$tmp/minority.xml" > /dev/null 2>&1
node_exec 3 "$VIGIL" config import "$tmp/minority.xml" > /dev/null 2>&1
check "each side of a partition changes its own copy" \
	eval '[ "$(epoch_of 1)" = 15 ] && [ "$(epoch_of 3)" = 16 ]'
link_up 3
check "after the heal every node holds the newest copy (the minority's epoch 16)" \
	wait_for 30 eval 'same_everywhere && [ "$(epoch_of 1)" = 16 ] &&
			  export_of 1 | grep -q "name=\"stop-all-resources\""'
check "vigild logs the version it adopted" \
	grep -q "CIB: now at version 0\.16\." "$(node_dir 1)/vigild.log"

# a CIB corrupted on disk is refused at start, with what to do
vigild_kill 2 KILL
printf 'garbage' >> "$(node_dir 2)/vigil/cib.xml"
node_exec 2 "$VIGILD" --wait-corosync 5 > "$tmp/corrupt.log" 2>&1
rc=$?
check "vigild refuses a CIB corrupted on disk at start (exit 1, says what to do)" \
	eval '[ $rc -eq 1 ] && grep -q "is corrupted (it does not match its digest); move" "$tmp/corrupt.log"'
