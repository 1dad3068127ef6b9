#!/usr/bin/env bash
# The 152 inputs of Pacemaker's own scheduler regression suite (../shared/scheduler-cases):
# each loads, and 'vigil config verify -x' gives crm_verify's verdict on it, and the CIB as
# Vigil writes it back gives crm_verify the same verdict as the original.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIGIL=${VIGIL:-$top_builddir/cli/vigil}
CRM_VERIFY=${CRM_VERIFY:-$(command -v crm_verify || echo /usr/sbin/crm_verify)}
cases=${VIGIL_SCHEDULER_CASES:-$top_srcdir/../shared/scheduler-cases/xml}

if [ ! -d "$cases" ] || [ ! -x "$CRM_VERIFY" ]; then
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - scheduler cases ($cases) or crm_verify ($CRM_VERIFY) missing"
		exit 0
	fi
	echo "1..0 # SKIP scheduler cases or crm_verify not found"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-sched-inputs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

files=("$cases"/*.xml)
echo "1..$(( ${#files[@]} * 2 ))"
n=0 agree=0
verdict() { if [ "$1" -eq 0 ]; then echo accepts; else echo rejects; fi; }
for f in "${files[@]}"; do
	name=$(basename "$f" .xml)
	"$VIGIL" config verify -x "$f" >"$tmp/v.out" 2>&1; v=$?
	"$CRM_VERIFY" -x "$f" >"$tmp/c.out" 2>&1; c=$?
	n=$((n + 1))
	if [ "$v" -ne 65 ] && [ "$v" -ne 66 ] && [ "$(verdict $v)" = "$(verdict $c)" ]; then
		agree=$((agree + 1))
		echo "ok $n - $name: vigil and crm_verify both $(verdict $v)"
	else
		echo "not ok $n - $name: vigil $(verdict $v) (exit $v), crm_verify $(verdict $c) (exit $c)"
		sed 's/^/# vigil: /' "$tmp/v.out" | head -20
	fi
	n=$((n + 1))
	if ! "$VIGIL" config show -x "$f" --xml >"$tmp/out.xml" 2>"$tmp/s.err"; then
		echo "not ok $n - $name: vigil could not load and write it"
		sed 's/^/# /' "$tmp/s.err" | head -10
		continue
	fi
	"$CRM_VERIFY" -x "$tmp/out.xml" >"$tmp/c2.out" 2>&1; c2=$?
	if [ "$(verdict $c2)" = "$(verdict $c)" ] && ! grep -q -i 'relax-ng\|did not pass schema' "$tmp/c2.out"; then
		echo "ok $n - $name: the CIB vigil writes gets crm_verify's verdict on the original"
	else
		echo "not ok $n - $name: crm_verify $(verdict $c) the original but $(verdict $c2) what vigil wrote"
		sed 's/^/# crm_verify: /' "$tmp/c2.out" | head -10
	fi
done
echo "# verdicts agree on $agree of ${#files[@]} scheduler inputs"
