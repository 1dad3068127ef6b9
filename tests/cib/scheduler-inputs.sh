#!/usr/bin/env bash
# The 152 inputs of Pacemaker's own scheduler regression suite (../shared/scheduler-cases):
# each loads, and 'vigil config verify -x' gives crm_verify's verdict on it, and the CIB as
# Vigil writes it back gives crm_verify the same verdict as the original.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
cases=${VIGIL_SCHEDULER_CASES:-$top_srcdir/../shared/scheduler-cases/xml}

require "Pacemaker's scheduler cases" "$cases"
require crm_verify "$CRM_VERIFY"
make_tmp sched-inputs

files=("$cases"/*.xml)
echo "1..$(( ${#files[@]} * 2 ))"
n=0 agree=0
verdict() { if [ "$1" -eq 0 ]; then echo accepts; else echo rejects; fi; }
for f in "${files[@]}"; do
	name=$(basename "$f" .xml)
	"$VIGIL" config verify -x "$f" >"$tmp/v.out" 2>&1; v=$?
	"$CRM_VERIFY" -x "$f" >"$tmp/c.out" 2>&1; c=$?
	n=$((n + 1))
	if [ "$v" -ne 1 ] && [ "$(verdict $v)" = "$(verdict $c)" ]; then
		agree=$((agree + 1))
		echo "ok $n - $name: vigil and crm_verify both $(verdict $v)"
	else
		echo "not ok $n - $name: vigil $(verdict $v) (exit $v), crm_verify $(verdict $c) (exit $c)"
		diag "$tmp/v.out" | head -20
	fi
	n=$((n + 1))
	if ! "$VIGIL" config show -x "$f" --xml >"$tmp/out.xml" 2>"$tmp/s.err"; then
		echo "not ok $n - $name: vigil could not load and write it"
		diag "$tmp/s.err" | head -10
		continue
	fi
	"$CRM_VERIFY" -x "$tmp/out.xml" >"$tmp/c2.out" 2>&1; c2=$?
	if [ "$(verdict $c2)" = "$(verdict $c)" ] && ! grep -q -i 'relax-ng\|did not pass schema' "$tmp/c2.out"; then
		echo "ok $n - $name: the CIB vigil writes gets crm_verify's verdict on the original"
	else
		echo "not ok $n - $name: crm_verify $(verdict $c) the original but $(verdict $c2) what vigil wrote"
		diag "$tmp/c2.out" | head -10
	fi
done
echo "# verdicts agree on $agree of ${#files[@]} scheduler inputs"
