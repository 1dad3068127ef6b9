#!/usr/bin/env bash
# pcs's configuration commands with 'vigil' for 'pcs', on a CIB file (-f FILE, as pcs -f):
# each change gives a CIB that crm_verify accepts, with pcs's ids; bad input (a missing
# required agent parameter, an unknown parameter, a bad interval, a used id, an unknown
# property or resource) is one clear line, a non-zero exit, and the file untouched.
set -u
. "$(dirname "$0")/../lib.sh"
require crm_verify "$CRM_VERIFY"
require "ocf:heartbeat:IPaddr2 (resource-agents)" /usr/lib/ocf/resource.d/heartbeat/IPaddr2
make_tmp cli-edit
cib=$tmp/cib.xml
test_cib 2 '' > "$cib"

echo "1..28"
n=0
t() { # t DESCRIPTION CMD...
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; diag "$tmp/out"; fi
}
v() { "$VIGIL" -f "$cib" "$@" > "$tmp/out" 2>&1; }
valid() { "$CRM_VERIFY" -x "$cib" > "$tmp/crm" 2>&1; }
epoch() { sed -n 's/^<cib[^>]* epoch="\([0-9]*\)".*/\1/p' "$cib"; }
# refused CODE PATTERN CMD...: exits CODE, says PATTERN, and leaves the file as it was
refused() {
	local code=$1 pattern=$2 before
	shift 2
	before=$(sha256sum < "$cib")
	v "$@"
	local rc=$?
	[ "$rc" -eq "$code" ] && grep -q -- "$pattern" "$tmp/out" && [ "$(sha256sum < "$cib")" = "$before" ]
}

t "resource create writes a primitive with pcs's ids; crm_verify accepts it" \
	eval 'v resource create vip ocf:heartbeat:IPaddr2 ip=198.18.0.100 cidr_netmask=24 \
		op monitor interval=30s && valid &&
	      grep -q "<op id=\"vip-monitor-interval-30s\" name=\"monitor\" interval=\"30s\"/>" "$cib" &&
	      grep -q "<nvpair id=\"vip-instance_attributes-ip\" name=\"ip\" value=\"198.18.0.100\"/>" "$cib"'
t "each change counts one more epoch" eval '[ "$(epoch)" = 2 ]'
t "a missing required parameter is refused (from the agent's meta-data)" \
	refused 64 "requires the parameter 'ip'; add ip=VALUE" resource create vip2 ocf:heartbeat:IPaddr2
t "an unknown parameter is refused" \
	refused 64 "has no parameter 'bogus'" resource create vip2 IPaddr2 ip=198.18.0.2 bogus=1
t "a bad interval is refused" \
	refused 64 "op monitor interval=soon is not a duration" resource create vip2 IPaddr2 \
		ip=198.18.0.2 op monitor interval=soon
t "a used id is refused" refused 64 "id 'vip' is already used" resource create vip IPaddr2 ip=198.18.0.3
t "an agent that is not installed is refused" \
	refused 64 "agent 'ocf:heartbeat:NoSuchAgent' is not installed" resource create x ocf:heartbeat:NoSuchAgent
t "a systemd resource and a group of the two" \
	eval 'v resource create haproxy systemd:haproxy op monitor interval=60s &&
	      v resource group add hagroup vip haproxy && valid &&
	      tr -d "\n" < "$cib" | sed "s/>[[:space:]]*</></g" |
	      grep -q "<group id=\"hagroup\"><primitive id=\"vip\".*<primitive id=\"haproxy\" class=\"systemd\" type=\"haproxy\">"'
t "property set, and an unknown property refused" \
	eval 'v property set no-quorum-policy=freeze && grep -q "name=\"no-quorum-policy\" value=\"freeze\"" "$cib" &&
	      refused 64 "not a cluster property Pacemaker knows" property set no-such-thing=1'
t "property list shows the properties" \
	eval 'v property list && grep -q "^ no-quorum-policy: freeze$" "$tmp/out"'
t "stonith create (--force: fence_xvm is installed on the nodes, not here)" \
	eval 'v stonith create vmfence fence_xvm "pcmk_host_map=node1:vm1;node2:vm2" --force && valid &&
	      grep -q "<primitive id=\"vmfence\" class=\"stonith\" type=\"fence_xvm\">" "$cib"'
t "node standby and unstandby" \
	eval 'v node standby node1 && grep -q "name=\"standby\" value=\"on\"" "$cib" && valid &&
	      v node unstandby node1 && ! grep -q "name=\"standby\"" "$cib" &&
	      refused 64 "no node .node9." node standby node9'
t "resource disable and enable" \
	eval 'v resource disable vip && grep -q "name=\"target-role\" value=\"Stopped\"" "$cib" &&
	      v resource enable vip && ! grep -q "target-role" "$cib"'
t "resource delete, and an unknown resource refused" \
	eval 'v resource delete haproxy && ! grep -q "id=\"haproxy\"" "$cib" && valid &&
	      refused 64 "no resource .nothing." resource delete nothing'
t "constraint location prefers and avoids, with pcs's ids" \
	eval 'v resource create web ocf:heartbeat:Dummy &&
	      v constraint location vip prefers node2=50 && v constraint location web avoids node1 && valid &&
	      grep -q "<rsc_location id=\"location-vip-node2-50\" rsc=\"vip\" node=\"node2\" score=\"50\"/>" "$cib" &&
	      grep -q "id=\"location-web-node1--INFINITY\" rsc=\"web\" node=\"node1\" score=\"-INFINITY\"" "$cib"'
t "constraint colocation add and order" \
	eval 'v constraint colocation add web with vip && v constraint order vip then web && valid &&
	      grep -q "<rsc_colocation id=\"colocation-web-vip-INFINITY\" rsc=\"web\" with-rsc=\"vip\" score=\"INFINITY\"/>" "$cib" &&
	      grep -q "id=\"order-vip-web-mandatory\" first=\"vip\" then=\"web\" first-action=\"start\"" "$cib"'
t "constraints on unknown resources, nodes or scores are refused" \
	eval 'refused 64 "no resource .nothing." constraint location nothing prefers node1 &&
	      refused 64 "no node .node7." constraint location vip prefers node7 &&
	      refused 64 "is not a score" constraint colocation add web with vip lots'
t "resource move says it leaves a constraint and how to clear it" \
	eval 'v resource move vip node1 &&
	      grep -q "Created location constraint cli-prefer-vip: vip prefers node1. It stays until you run .vigil resource clear vip." "$tmp/out" &&
	      v resource ban web node2 && valid && v resource clear vip && v resource clear web &&
	      ! grep -q "cli-" "$cib"'
t "constraint list and delete" \
	eval 'v constraint list && grep -q "^rsc_order order-vip-web-mandatory first=vip" "$tmp/out" &&
	      v constraint delete order-vip-web-mandatory && ! grep -q order-vip-web "$cib" &&
	      refused 64 "no constraint .nope." constraint delete nope'
t "resource update changes and removes parameters, checked against the meta-data" \
	eval 'v resource update vip ip=198.18.0.101 cidr_netmask=24 && valid &&
	      grep -q "name=\"ip\" value=\"198.18.0.101\"" "$cib" &&
	      v resource update vip cidr_netmask= && ! grep -q cidr_netmask "$cib" &&
	      refused 64 "has no parameter .bogus." resource update vip bogus=1'
t "resource list, agents, describe" \
	eval 'v resource list && grep -q "^hagroup (group): vip$" "$tmp/out" &&
	      v resource agents ocf:heartbeat && grep -q "^IPaddr2$" "$tmp/out" &&
	      v resource describe ocf:heartbeat:IPaddr2 && grep -q "^  ip (required)$" "$tmp/out"'
t "resource agents systemd lists the services installed here (haproxy among them)" \
	eval 'v resource agents systemd && grep -qx haproxy "$tmp/out" &&
	      v resource agents && grep -qx "systemd:haproxy" "$tmp/out" &&
	      grep -qx "ocf:heartbeat:IPaddr2" "$tmp/out"'
t "resource group remove RESOURCE: it leaves the group, after it" \
	eval 'v resource create g1 ocf:heartbeat:Dummy --group gg && v resource create g2 ocf:heartbeat:Dummy --group gg &&
	      v resource group remove gg g1 && valid &&
	      tr -d "\n" < "$cib" | sed "s/>[[:space:]]*</></g" |
	      grep -q "<group id=\"gg\"><primitive id=\"g2\".*</group><primitive id=\"g1\"" &&
	      refused 64 "is not a member of group .gg." resource group remove gg vip &&
	      refused 64 "no group .nogroup." resource group remove nogroup'
t "resource group remove GROUP: ungrouped, the group and its constraints gone, and said" \
	eval 'v constraint location gg prefers node1 && v resource group remove gg && valid &&
	      grep -q "Group gg removed, with the constraints that named it" "$tmp/out" &&
	      ! grep -q "id=\"gg\"" "$cib" && ! grep -q "rsc=\"gg\"" "$cib" &&
	      grep -q "<primitive id=\"g2\"" "$cib" &&
	      v resource delete g1 && v resource delete g2 && valid'
t "node maintenance and unmaintenance" \
	eval 'v node maintenance node2 && grep -q "name=\"maintenance\" value=\"on\"" "$cib" && valid &&
	      v node unmaintenance node2 && ! grep -q "name=\"maintenance\"" "$cib"'
t "stonith list names the fence agents installed here" \
	eval '"$VIGIL" stonith list > "$tmp/out" 2>/dev/null &&
	      diff <(cd /usr/sbin && ls -1 fence_* 2>/dev/null | LC_ALL=C sort) "$tmp/out" > "$tmp/diff"'
t "vigil simulate plans the result as crm_simulate does" \
	eval '"$VIGIL" simulate -x "$cib" -R 2>&1 | sed -n "/^Transition Summary:/,\$p" > "$tmp/v" &&
	      crm_simulate -x "$cib" -R 2>&1 | sed -n "/^Transition Summary:/,\$p" > "$tmp/c" &&
	      diff "$tmp/v" "$tmp/c" > "$tmp/out"'
t "a file that does not exist is one clear line" \
	eval '"$VIGIL" -f "$tmp/none.xml" property set stonith-enabled=false > "$tmp/out" 2>&1;
	      [ $? -eq 1 ] && grep -q "cannot read .*none.xml" "$tmp/out"'
