#!/usr/bin/env bash
# Resources of class systemd, run through systemd's D-Bus API: 2 nodes in network
# namespaces, each with systemd as its PID 1 (node-init.sh), corosync and vigild. The unit
# vgtest.service (a process that sleeps, with Restart=always, as many packaged units have)
# is started on one node and nowhere else; vigild's drop-in turns systemd's own restarts off;
# when its process is killed, vigild hears it from systemd at once (its monitor runs every
# 60 s), counts the failure and the cluster starts it again; 'vigil node standby' moves it,
# stopped on the node it leaves; a unit that no node has fails to start with a clear reason
# and is not retried.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
cluster_require
require vigild "$VIGILD"
require "systemd" /lib/systemd/systemd
require "dbus-daemon (dbus)" "$(command -v dbus-daemon || echo /usr/bin/dbus-daemon)"
require "busctl (systemd)" "$(command -v busctl || echo /usr/bin/busctl)"

echo "1..10"
cluster_create 2
for i in 1 2; do
	mkdir -p "$(node_dir "$i")/etc/systemd-units"
	cat > "$(node_dir "$i")/etc/systemd-units/vgtest.service" <<'EOF'
[Unit]
Description=Vigil test service
[Service]
ExecStart=/bin/sleep infinity
Restart=always
EOF
	node_boot_systemd "$i"
done
cluster_up 2
test_cib 2 '<primitive id="svc" class="systemd" type="vgtest"><operations><op id="svc-monitor" name="monitor" interval="60s"/></operations></primitive>' > "$tmp/cib.xml"

active_on() { # the one node where vgtest.service is active (empty if none or several)
	local i found=""
	for i in 1 2; do
		if node_unit_state "$i" vgtest.service > /dev/null; then
			[ -n "$found" ] && return 1
			found=$i
		fi
	done
	[ -n "$found" ] && echo "$found"
}

wait_for 20 says 1 "Current DC: node1 .* with quorum" || bail "the cluster did not form"
node_exec 1 "$VIGIL" config import "$tmp/cib.xml" > /dev/null 2>&1 || bail "import failed"
check "systemd:vgtest is started on exactly one node" wait_for 30 eval '[ -n "$(active_on)" ]'
on=$(active_on)
check "vigild loaded its systemd class (vigil-systemd.so, GIO) to run it" \
	grep -q "the systemd class is loaded (vigil-systemd.so)" "$(node_dir "$on")/vigild.log"
check "'vigil status' shows it there" \
	wait_for 10 says 1 "^  \* svc	\(systemd:vgtest\):	 Started node$on\$"
check "vigild's drop-in turns systemd's restarts off" \
	grep -qx "Restart=no" "$(node_dir "$on")/run/systemd/system/vgtest.service.d/50-vigil.conf"

# kill its process (SIGKILL, sent by systemd's KillUnit: the pid is the node's own): systemd
# would have restarted it; now the cluster does, at once
node_exec "$on" busctl --system call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager KillUnit ssi vgtest.service main 9 > /dev/null ||
	bail "cannot kill vgtest.service on node$on"
check "its death is heard from systemd at once, not at the 60 s monitor" \
	wait_for 5 grep -q "svc: systemd says vgtest.service is now" "$(node_dir "$on")/vigild.log"
check "the failure is counted and it runs again" \
	wait_for 15 eval 'node_exec 1 "$VIGIL" config export | grep -q "fail-count-svc#monitor_60000" &&
			  [ -n "$(active_on)" ]'

node_exec 1 "$VIGIL" node standby "node$on" > /dev/null 2>&1
check "'vigil node standby' moves it, stopped on the node it left" \
	wait_for 20 eval 'n=$(active_on) && [ -n "$n" ] && [ "$n" != "$on" ]'
check "the unit is inactive, not failed, where it was stopped" \
	eval 'node_exec $on busctl --system get-property org.freedesktop.systemd1 \
		/org/freedesktop/systemd1/unit/vgtest_2eservice org.freedesktop.systemd1.Unit \
		ActiveState | grep -q inactive'
node_exec 1 "$VIGIL" node unstandby "node$on" > /dev/null 2>&1

# a unit no node has
node_exec 1 "$VIGIL" resource create ghost systemd:no-such-unit-$cluster_id > /dev/null 2>&1
check "a missing unit fails to start, with systemd's reason" \
	wait_for 20 says 1 "ghost_start_0 on node[12] 'not installed'.*systemd has no unit"
check "it is not started anywhere, and the first resource stays put" \
	wait_for 20 eval 'says 1 "ghost	\(systemd:no-such-unit-$cluster_id\):	 Stopped" &&
			  [ -n "$(active_on)" ]'
