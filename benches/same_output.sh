#!/usr/bin/env bash
# Checks that two builds of hegui print the same `check` output (byte for
# byte) on every example workspace and on generated ones: what a change that
# claims to be a pure speed-up must show.
#
#   benches/same_output.sh OLD_HEGUI NEW_HEGUI [FORMAT] [DIR…]
#   benches/same_output.sh target/e2e/hegui-before target/release/hegui json target/e2e/seeded-1000-10
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 fmt=${3:-json}
shift 2; [ $# -eq 0 ] || shift
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(examples/*/)
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
failed=0
for d in "${dirs[@]}"; do
  "$old" check "$d" --format "$fmt" >"$a" 2>&1 || true
  "$new" check "$d" --format "$fmt" >"$b" 2>&1 || true
  if cmp -s "$a" "$b"; then echo "same      $d"; else echo "DIFFERENT $d"; failed=1; fi
done
exit $failed
