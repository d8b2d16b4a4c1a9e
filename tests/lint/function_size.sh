#!/usr/bin/env bash
# Fails, naming them, when a function in src/ or shell/ is longer than 80 lines.
# Usage: function_size.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
[ -n "$tidy" ] || { echo "run-clang-tidy not found: .ci/setup installs clang-tidy-14" >&2; exit 1; }
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Only the project's own files (third-party code and generated sources are not ours).
"$tidy" -p "$build" -j 2 -quiet -checks='-*,readability-function-size' \
  -config='{CheckOptions: [{key: readability-function-size.LineThreshold, value: 80}]}' \
  "^$src/(src|shell)/" >"$out" 2>&1 || true
long=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E "^$src/(src|shell)/.*warning: function .* exceeds" | sed "s|^$src/||" | sort -u || true)
files=$(grep -c '"file":' "$build/compile_commands.json" || true)
if [ -n "$long" ]; then
  echo "functions over 80 lines (split them: one job per function):"
  echo "$long"
  exit 1
fi
if ! grep -q "clang-tidy" "$out"; then
  echo "clang-tidy did not run:" >&2
  cat "$out" >&2
  exit 1
fi
echo "no function over 80 lines in src/ and shell/ ($files files in the compile database)"
