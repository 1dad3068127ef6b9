#!/usr/bin/env bash
# vigil-mon on a two-node cluster (two_node) in network namespaces: the one-shot view in
# crm_mon's layout, and the live view under tmux, redrawn when vigild pushes a change (a
# new resource started, a node's daemon gone), without polling; --output-as=xml and json of
# the live cluster, valid against their schemas.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require tmux "$(command -v tmux || echo /usr/bin/tmux)"
require "ocf:heartbeat:Dummy (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/Dummy
VIGIL_MON=${VIGIL_MON:-$top_builddir/cli/vigil-mon}
require vigil-mon "$VIGIL_MON"
require "xmllint (libxml2-utils)" "$(command -v xmllint || echo /usr/bin/xmllint)"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
	bail "python3-jsonschema is not installed (scripts/install-deps)"

echo "1..8"
cluster_create 2
cluster_up 2

both='Online: \[ node1 node2 \]'
check "vigil-mon -1 shows the DC, quorum and both nodes of a two_node cluster" \
	wait_for 20 eval 'node_exec 2 "$VIGIL_MON" -1 > "$tmp/once" 2>&1 &&
			  grep -q "Current DC: node1 .* with quorum" "$tmp/once" &&
			  grep -Eq "$both" "$tmp/once"'
check "--output-as=xml: valid, the DC with quorum, both nodes online" \
	eval 'node_exec 2 "$VIGIL_MON" --output-as=xml > "$tmp/mon.xml" &&
	      xmllint --noout --relaxng "$top_srcdir/schemas/vigil-mon.rng" "$tmp/mon.xml" \
		2> /dev/null &&
	      grep -q "<current_dc present=\"true\" version=\"[^\"]*\" name=\"node1\" id=\"1\" with_quorum=\"true\"" "$tmp/mon.xml" &&
	      [ "$(grep -c "online=\"true\"" "$tmp/mon.xml")" = 2 ]'
check "--output-as=json: valid against its schema, the same facts" \
	eval 'node_exec 2 "$VIGIL_MON" --output-as=json > "$tmp/mon.json" &&
	      /usr/bin/python3 -c "import json, sys, jsonschema
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, json.load(open(sys.argv[1])))
assert d[\"summary\"][\"current_dc\"][\"name\"] == \"node1\"
assert [n[\"online\"] for n in d[\"nodes\"]] == [True, True]
" "$top_srcdir/schemas/vigil-mon.schema.json" "$tmp/mon.json"'
check "--output-as=yaml is refused with a clear line (exit 64)" \
	eval 'node_exec 2 "$VIGIL_MON" --output-as=yaml > /dev/null 2> "$tmp/yaml.err";
	      [ $? -eq 64 ] && grep -q "use text, xml or json" "$tmp/yaml.err"'

# the live view, in a tmux of its own (its own socket), removed at the end
sock=vigil-mon-$cluster_id
at_cleanup "tmux -L $sock kill-server 2>/dev/null"
node_argv 1
tmux -L "$sock" new-session -d -s mon -x 120 -y 40 \
	"$(printf '%q ' "${node_cmd[@]}" env TERM=xterm "$VIGIL_MON")"
pane() { tmux -L "$sock" capture-pane -p -t mon; }
check "vigil-mon's live view shows the cluster" \
	wait_for 10 eval 'pane | grep -Eq "$both"'

test_cib 2 '<primitive id="dummy1" class="ocf" provider="heartbeat" type="Dummy"/>' > "$tmp/cib.xml"
node_exec 2 "$VIGIL" config import "$tmp/cib.xml" > /dev/null 2>&1
check "it redraws when a resource starts" \
	wait_for 20 eval 'pane | grep -Eq "dummy1.*Started node"'
vigild_kill 2 TERM
check "it redraws when a node's daemon goes" \
	wait_for 20 eval 'pane | grep -Eq "OFFLINE: \[ node2 \]"'
check "vigil-mon -1 without vigild says so (exit 69)" \
	eval 'node_exec 2 "$VIGIL_MON" -1 > "$tmp/none" 2>&1; [ $? -eq 69 ] &&
	      grep -q "vigild is not running on this node" "$tmp/none"'
