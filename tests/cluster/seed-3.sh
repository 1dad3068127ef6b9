#!/usr/bin/env bash
# The seed scenario on 3 nodes, with a partition: see seed.sh.
. "$(dirname "$0")/seed.sh" 3
