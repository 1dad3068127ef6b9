#!/usr/bin/env bash
# libvigil exports the vigil_ namespace and nothing else (lib/libvigil.sym).
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
so=$(ls "$top_builddir"/lib/.libs/libvigil.so.* 2>/dev/null | head -1)

echo "1..2"
if [ -z "$so" ]; then
	echo "not ok 1 - lib/.libs/libvigil.so.* exists"
	echo "not ok 2 - exports only vigil_* # no library"
	exit 0
fi
echo "ok 1 - $(basename "$so") exists"
mapfile -t syms < <(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u)
others=$(printf '%s\n' "${syms[@]}" | grep -v -E '^(vigil_|VIGIL_)' | tr '\n' ' ')
ours=$(printf '%s\n' "${syms[@]}" | grep -c '^vigil_')
if [ -z "$others" ] && [ "$ours" -gt 20 ]; then
	echo "ok 2 - exports only vigil_* ($ours symbols)"
else
	echo "not ok 2 - exports only vigil_* ($ours vigil_ symbols; others: ${others:-none})"
fi
