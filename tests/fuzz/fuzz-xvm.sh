#!/usr/bin/env bash
# Fuzzes what the fence code reads from others (TAP): fence_xvm request datagrams, host
# records, fence_vigil's options on standard input, fence_virt.conf. The target tests/fuzz/fuzz-xvm
# is built by 'make fuzz' (clang) before 'make check' runs this; see tests/fuzz/fuzz-lib.sh
# for the two test points and tests/fuzz/README.md to reproduce a failure.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
fuzzer=$top_builddir/tests/fuzz/fuzz-xvm
corpus=$top_srcdir/tests/fuzz/corpus-xvm
dict=""
name="the fence_xvm requests, host records, fence agent options and fence_virt.conf"

. "$(dirname "$0")/fuzz-lib.sh"
