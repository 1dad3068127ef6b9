#!/usr/bin/env bash
# Fuzzes the CIB loader for a bounded time (TAP). The libFuzzer target
# tests/fuzz/fuzz-cib-load is built by 'make fuzz' (clang) before 'make check' runs this.
#
#   1. replays the seed corpus (and any VIGIL_FUZZ_EXTRA_DIRS) once, as plain inputs;
#   2. fuzzes a copy of the seed corpus for VIGIL_FUZZ_SECONDS (default 60) with a fixed
#      seed (VIGIL_FUZZ_SEED overrides it) and the CIB dictionary.
#
# A crash, hang, leak or broken round trip is a 'not ok' with the sanitizer's report as
# '#' lines; the input that caused it is kept in VIGIL_FUZZ_ARTIFACTS (default
# $top_builddir/tests/fuzz/artifacts). See tests/fuzz/README.md to reproduce it.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
fuzzer=$top_builddir/tests/fuzz/fuzz-cib-load
corpus=$top_srcdir/tests/fuzz/corpus
dict=$top_srcdir/tests/fuzz/cib.dict
name="the CIB loader"

. "$(dirname "$0")/fuzz-lib.sh"
