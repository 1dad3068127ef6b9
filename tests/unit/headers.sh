#!/usr/bin/env bash
# Each header of lib/ compiles on its own: it includes what it uses.
set -u
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
CC=${CC:-cc}
flags="-I$top_srcdir/lib -I$top_builddir -D_GNU_SOURCE ${HEADER_CFLAGS:-$(pkg-config --cflags glib-2.0 libxml-2.0)}"

mapfile -t headers < <(cd "$top_srcdir" && find lib -name '*.h' | sort)
echo "1..${#headers[@]}"
n=0
for h in "${headers[@]}"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	if out=$(printf '#include "config.h"\n#include "%s"\n' "${h#lib/}" |
		 $CC -std=gnu11 -Wall -Wextra -Werror $flags -fsyntax-only -x c - 2>&1); then
		echo "ok $n - $h compiles on its own"
	else
		echo "not ok $n - $h compiles on its own"
		printf '%s\n' "$out" | sed 's/^/# /' | head -20
	fi
done
