#!/usr/bin/env bash
# The differential test (differential.sh) on 300 seeds of small clusters: up to 8 nodes and
# 40 primitives, where each CIB is dense with unusual histories.
export VIGIL_DIFF_ARGS="--max-nodes 8 --max-primitives 40"
exec bash "$(dirname "$0")/differential.sh"
