#!/usr/bin/env bash
# The seed scenario on 2 nodes (two_node quorum): see seed.sh.
. "$(dirname "$0")/seed.sh" 2
