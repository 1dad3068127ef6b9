#!/usr/bin/env bash
# tests/cluster/vip.sh with Vigil's own floating-IP agent, ocf:vigil:IPaddr2, in place of
# Debian's ocf:heartbeat:IPaddr2: the same scenario, the same expectations.
VIP_PROVIDER=vigil exec bash "$(dirname "$0")/vip.sh"
