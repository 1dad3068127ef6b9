#!/usr/bin/env bash
# Fuzzes what vigild reads from others (TAP): local clients' requests, the partition view of
# a status reply, and peers' messages through the process group. The libFuzzer target
# tests/fuzz/fuzz-ipc is built by 'make fuzz' (clang) before 'make check' runs this; see
# tests/fuzz/fuzz-lib.sh for the two test points and tests/fuzz/README.md to reproduce a
# failure.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
fuzzer=$top_builddir/tests/fuzz/fuzz-ipc
corpus=$top_srcdir/tests/fuzz/corpus-ipc
dict=""
name="the IPC and group messages"

. "$(dirname "$0")/fuzz-lib.sh"
