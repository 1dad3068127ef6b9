#!/usr/bin/env bash
# tests/cluster/fencing.sh with Vigil's own fence agent, stonith:fence_vigil, as the device
# (against the same Debian fence_virtd): the same scenario, the same expectations.
FENCE_AGENT=fence_vigil exec bash "$(dirname "$0")/fencing.sh"
