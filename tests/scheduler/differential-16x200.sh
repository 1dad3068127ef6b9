#!/usr/bin/env bash
# The differential test (differential.sh) on 300 seeds at the generator's full size: up to
# 16 nodes and 200 primitives.
export VIGIL_DIFF_ARGS="--max-nodes 16 --max-primitives 200"
exec bash "$(dirname "$0")/differential.sh"
