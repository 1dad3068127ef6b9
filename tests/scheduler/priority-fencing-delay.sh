#!/usr/bin/env bash
# priority-fencing-delay against Pacemaker itself: for CIBs where nodes left the membership
# with resources of various priorities (tests/scheduler/gen-fence-cib.py), the delay each
# fencing carries in vigil's transition graph ('vigil simulate -G': priority_fencing_delay)
# must be the one crm_simulate's graph gives it (CRM_meta_priority_fencing_delay, seconds),
# present or absent alike.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
CRM_SIMULATE=${CRM_SIMULATE:-$(command -v crm_simulate || echo /usr/sbin/crm_simulate)}
require crm_simulate "$CRM_SIMULATE"
require "cli/vigil" "$VIGIL"
make_tmp pfd

# NODES LOST PRIORITIES DELAY: what the case is (see gen-fence-cib.py)
cases=(
	"2 node2 node2:10 15s"          # two nodes, the lost one runs what matters: delayed
	"2 node2 node1:10 15s"          # the survivor runs it: no delay for the lost one
	"2 node2 node2:10 ''"           # the option unset: nothing carried
	"2 node2 '' 15s"                # equal priorities (none): 0
	"3 node3 node3:10 15s"          # this partition is a majority: 0
	"3 node2,node3 node3:10 15s"    # a minority: the top-priority lost node waits
	"3 node2,node3 node3:10,node2:10 15s"
	"4 node3,node4 node3:10 15s"    # half is no majority
	"4 node3,node4 node3:10,node1:20 15s"
	"2 node2 node2:10 1500ms"       # whole seconds, truncated
	"2 node2 node2:-5,node1:3 15s"  # negative priorities count too
	"2 node2 node2:g10 15s"         # a group's priority, inherited by its member
	"2 node2 node2:f10 15s"         # a failed resource does not count
	"4 node3,node4 node3:10,node1:f20 15s"
	"4 node3,node4 node3:f10,node1:5 15s"
	"2 node2 node2:f10,node2:3 15s"
	"3 node2,node3 node2:4,node2:6,node3:9 1min" # sums per node
)
echo "1..${#cases[@]}"
n=0
pcmk_delays() { # GRAPH: "node=delay" per fenced node, "-" when not carried
	/usr/bin/python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
seen = {}
for ev in ET.parse(sys.argv[1]).iter('crm_event'):
    attrs = ev.find('attributes')
    if ev.get('operation') == 'stonith' and attrs is not None:
        seen[ev.get('on_node')] = attrs.get('CRM_meta_priority_fencing_delay', '-')
print(' '.join('%s=%s' % kv for kv in sorted(seen.items())))
EOF
}
vigil_delays() {
	/usr/bin/python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
seen = {}
for ev in ET.parse(sys.argv[1]).iter('crm_event'):
    if ev.get('operation') == 'stonith':
        seen[ev.get('on_node')] = ev.get('priority_fencing_delay', '-')
print(' '.join('%s=%s' % kv for kv in sorted(seen.items())))
EOF
}
for c in "${cases[@]}"; do
	n=$((n + 1))
	eval "args=($c)"
	/usr/bin/python3 "$top_srcdir/tests/scheduler/gen-fence-cib.py" "${args[@]}" > "$tmp/cib.xml"
	"$CRM_SIMULATE" -x "$tmp/cib.xml" -G "$tmp/pcmk.graph" > /dev/null 2>&1
	"$VIGIL" simulate -x "$tmp/cib.xml" -G "$tmp/vigil.graph" > /dev/null 2>&1
	want=$(pcmk_delays "$tmp/pcmk.graph")
	got=$(vigil_delays "$tmp/vigil.graph")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		echo "ok $n - $c: $got, as Pacemaker"
	else
		echo "not ok $n - $c: vigil '$got', Pacemaker '$want'"
	fi
done
