# Shared by the fuzzing tests (TAP): replays a target's seed corpus, then fuzzes a copy of it
# for a bounded time. Source it after setting:
#   fuzzer  the libFuzzer binary;   corpus  its seed corpus;   dict  its dictionary, or ""
#   name    what it fuzzes, for the messages
# Environment: VIGIL_FUZZ_SECONDS (default 60), VIGIL_FUZZ_SEED, VIGIL_FUZZ_EXTRA_DIRS,
# VIGIL_FUZZ_ARTIFACTS (see tests/fuzz/README.md).
seconds=${VIGIL_FUZZ_SECONDS:-60}
seed=${VIGIL_FUZZ_SEED:-20251122}
artifacts=${VIGIL_FUZZ_ARTIFACTS:-$top_builddir/tests/fuzz/artifacts}
target=$(basename "$fuzzer")

require "the libFuzzer target $target (clang; 'make fuzz')" "$fuzzer"
case $seconds in
'' | *[!0-9]*)
	echo "Bail out! VIGIL_FUZZ_SECONDS must be a whole number of seconds, not '$seconds'"
	exit 1 ;;
esac
case $seed in
'' | *[!0-9]*)
	echo "Bail out! VIGIL_FUZZ_SEED must be a non-negative integer, not '$seed'"
	exit 1 ;;
esac

make_tmp fuzz
trap 'exit 129' HUP
trap 'exit 143' TERM
mkdir "$tmp/corpus" "$tmp/artifacts"

# libFuzzer options shared by both runs. Leaks are reported by LeakSanitizer; UBSan
# reports get a stack trace unless the caller set UBSAN_OPTIONS.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
common=(-timeout=10 -rss_limit_mb=2048 "-artifact_prefix=$tmp/artifacts/")

# The first lines of what the sanitizer or the target said about the failure, as '#' lines.
report() { # log
	local log=$1 start
	local pattern="^==[0-9]+==|^$target:|runtime error:|^ALARM:|ERROR: libFuzzer"
	start=$(grep -n -m1 -E "$pattern|out-of-memory|^SUMMARY:" "$log" | cut -d: -f1)
	sed -n "${start:-1},\$p" "$log" | grep -v -E '^(Running|Executed): ' | head -n 40 | sed 's/^/# /'
}

# Keeps the input libFuzzer saved for a failure, and says where it is.
keep_artifact() { # log
	local log=$1 unit name
	unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	[ -n "$unit" ] && [ -f "$unit" ] || return 0
	name=$(basename "$unit")
	if mkdir -p "$artifacts" 2>/dev/null && cp "$unit" "$artifacts/$name" 2>/dev/null; then
		echo "# input saved as $artifacts/$name"
	else
		echo "# input (could not be saved to $artifacts):"
	fi
	if [ "$(wc -c <"$unit")" -le 4096 ]; then
		echo "# --- input ($(wc -c <"$unit") bytes, non-printing characters shown as cat -v does) ---"
		cat -v "$unit" | head -n 60 | sed 's/^/# | /'
	fi
}

echo "1..2"

# --- 1. replay: every seed (and extra input) once --------------------------------------------
inputs=()
for f in "$corpus"/*; do
	[ -f "$f" ] && inputs+=("$f")
done
for d in ${VIGIL_FUZZ_EXTRA_DIRS:-}; do
	if [ ! -d "$d" ]; then
		echo "# VIGIL_FUZZ_EXTRA_DIRS: $d is not a directory, ignored"
		continue
	fi
	for f in "$d"/*; do
		[ -f "$f" ] && inputs+=("$f")
	done
done
if [ ${#inputs[@]} -eq 0 ]; then
	echo "not ok 1 - $name: seed corpus replays without crash # no input found in $corpus"
else
	"$fuzzer" "${common[@]}" "${inputs[@]}" >"$tmp/replay.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok 1 - $name: seed corpus replays without crash (${#inputs[@]} inputs)"
	else
		echo "not ok 1 - $name: seed corpus replays without crash (exit $rc)"
		crashed=$(sed -n 's/^Running: //p' "$tmp/replay.log" | tail -n 1)
		echo "# crashing input: ${crashed:-unknown}"
		report "$tmp/replay.log"
	fi
fi

# --- 2. fuzz a copy of the seed corpus for a bounded time ----------------------------------
if [ "$seconds" -eq 0 ]; then
	echo "ok 2 - $name: fuzzing # SKIP VIGIL_FUZZ_SECONDS=0"
	exit 0
fi
cp "$corpus"/* "$tmp/corpus/"
limit=()
if command -v timeout >/dev/null; then
	# a hard stop in case libFuzzer itself hangs: well after -max_total_time
	limit=(timeout -k 10 $((seconds + 120)))
fi
dict_opt=()
[ -n "$dict" ] && dict_opt=("-dict=$dict")
"${limit[@]}" "$fuzzer" "${common[@]}" "-max_total_time=$seconds" "-seed=$seed" \
	"${dict_opt[@]}" -print_final_stats=1 "$tmp/corpus" >"$tmp/fuzz.log" 2>&1
rc=$?
stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$tmp/fuzz.log" | tail -n 1)
if [ $rc -eq 0 ] && [ -n "$stats" ]; then
	echo "ok 2 - $name: fuzzing for $seconds s found no crash, hang or leak"
	echo "# $stats"
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
		"$tmp/fuzz.log" | sed 's/^/# /'
	echo "# seed $seed; corpus grew from $(find "$corpus" -type f | wc -l) to" \
	     "$(find "$tmp/corpus" -type f | wc -l) inputs"
else
	what="crash"
	grep -q 'ERROR: LeakSanitizer' "$tmp/fuzz.log" && what="leak"
	grep -q -E '^ALARM: working on the last Unit|ERROR: libFuzzer: timeout' "$tmp/fuzz.log" &&
		what="hang"
	grep -q 'ERROR: libFuzzer: out-of-memory' "$tmp/fuzz.log" && what="out-of-memory"
	[ $rc -eq 124 ] && what="hang of libFuzzer itself (killed after $((seconds + 120)) s)"
	echo "not ok 2 - $name: fuzzing for $seconds s found no crash, hang or leak: found a $what" \
	     "(exit $rc, seed $seed)"
	grep -E '^#[0-9]+[[:space:]]+(pulse|NEW|REDUCE|INITED)' "$tmp/fuzz.log" | tail -n 1 |
		sed 's/^/# last stats: /'
	keep_artifact "$tmp/fuzz.log"
	report "$tmp/fuzz.log"
fi
