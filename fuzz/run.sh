#!/usr/bin/env bash
# Runs one fuzz target seeded from the live stdlib/ and examples/ (never from
# copies that go stale) plus the hand-written edge cases in corpus/TARGET/.
#
#   fuzz/run.sh TARGET [libFuzzer options…]     e.g. fuzz/run.sh check -max_total_time=600
#
# libFuzzer reads every corpus folder given (recursively) and writes the inputs
# it finds into the FIRST one, so a scratch folder goes first: corpus/ keeps only
# the edge cases and stdlib/, examples/ are never written to. HEGUI_FUZZ_WORK
# names the scratch folder (default target/fuzz-work/TARGET, kept across runs).
# Extra cargo-fuzz flags (e.g. `-s none` for no sanitizer) go in CARGO_FUZZ_FLAGS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:?usage: fuzz/run.sh TARGET [libFuzzer options…]}"
shift
case "$target" in parse | check | fmt | lsp) ;; *) echo "unknown target $target" >&2; exit 2 ;; esac
work="${HEGUI_FUZZ_WORK:-$here/target/fuzz-work/$target}"
mkdir -p "$work"
cd "$here"
# The lsp target reads a 4-byte offset prefix: a stdlib or example file as a
# seed gives its first four bytes to the offsets, the rest is still the file.
# shellcheck disable=SC2086
exec cargo +nightly fuzz run ${CARGO_FUZZ_FLAGS:-} "$target" \
  "$work" "corpus/$target" "$here/../stdlib" "$here/../examples" \
  -- -dict="$here/hegui.dict" "$@"
