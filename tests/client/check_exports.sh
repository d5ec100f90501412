#!/usr/bin/env bash
# Checks that libworkitem exports its API only (it is built with -fvisibility=hidden and marks
# the API WORKITEM_API, include/workitem/export.hpp): every dynamic symbol it defines belongs to
# namespace workitem but not to workitem::detail, or is an instantiation of the C++ standard
# library's templates (libstdc++ gives namespace std default visibility; such weak copies are
# harmless). Nothing of fmt, libpq or nlohmann, and no detail:: class, function, vtable or
# typeinfo.   check_exports.sh <path of libworkitem.so>
set -euo pipefail
library=$1
symbols=$(nm -D --defined-only -C "$library" | cut -d' ' -f3-)
[ -n "$symbols" ] || { echo "no dynamic symbols read from $library"; exit 1; }
# The symbol's own name: without "vtable for " and the like, and without a return type.
names=$(printf '%s\n' "$symbols" |
  sed -E 's/^(vtable|typeinfo|typeinfo name|VTT|guard variable|construction vtable) for //')
# A detail:: name is one whose own qualified name (before its argument list; after a return
# type) starts with workitem::detail:: — a public function may take a detail:: argument.
status=0
report() {  # report <what> <symbols>
  [ -n "$2" ] || return 0
  echo "libworkitem exports $1 ($(printf '%s\n' "$2" | sort -u | wc -l)):"
  printf '%s\n' "$2" | sort -u | head -20 | cut -c1-200
  status=1
}
report "detail:: symbols" "$(printf '%s\n' "$names" | grep -E '^([^(]* )?workitem::detail::' || true)"
report "symbols of no namespace of its API" \
  "$(printf '%s\n' "$names" | grep -vE '(^|[ ])(workitem|std|__gnu_cxx)::' | grep -v '^$' || true)"
report "symbols of fmt, nlohmann or CLI11" \
  "$(printf '%s\n' "$names" | grep -E '(^|[ <,(])(fmt|nlohmann|CLI)::' || true)"
[ "$status" -eq 0 ] || exit 1
echo "libworkitem exports $(printf '%s\n' "$symbols" | grep -c 'workitem::') API symbols, no detail::"
