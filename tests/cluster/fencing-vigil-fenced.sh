#!/usr/bin/env bash
# tests/cluster/fencing.sh with Vigil's own fence agent and host daemon (stonith:fence_vigil
# against vigil-fenced on libvirt's test driver): the same scenario, the same expectations.
FENCE_AGENT=fence_vigil FENCE_DAEMON=vigil-fenced exec bash "$(dirname "$0")/fencing.sh"
