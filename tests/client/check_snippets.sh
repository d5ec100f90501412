#!/usr/bin/env bash
# Checks that every snippet of examples/snippets/*.cpp (between "// snippet-begin" and
# "// snippet-end", dedented) appears verbatim in docs/sdk.md, so the guide shows code that the
# test suite compiles and runs.   check_snippets.sh <source dir>
set -euo pipefail
src=$1
status=0
for file in "$src"/examples/snippets/*.cpp; do
  grep -q '// snippet-begin' "$file" || continue
  snippet=$(awk '/\/\/ snippet-end/{on=0} on{print} /\/\/ snippet-begin/{on=1}' "$file")
  indent=$(printf '%s\n' "$snippet" | grep -v '^[[:space:]]*$' | sed -E 's/^( *).*/\1/' | awk '{print length}' | sort -n | head -1)
  dedented=$(printf '%s\n' "$snippet" | sed -E "s/^ {0,$indent}//")
  if ! perl -0777 -ne 'BEGIN { $snippet = shift } exit(index($_, $snippet) >= 0 ? 0 : 1)' \
       "$dedented" "$src/docs/sdk.md"; then
    echo "docs/sdk.md does not show the snippet of $(basename "$file") as it is"
    status=1
  fi
done
[ "$status" -ne 0 ] || echo "every snippet is in docs/sdk.md"
exit "$status"
