#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), seeded from the
# fixtures. A crash fails the run and leaves the input in fuzz/artifacts/.
#
#   bash fuzz/run.sh          # about a minute per target (what CI runs)
#   bash fuzz/run.sh 3600     # a long run: an hour per target
#
# Works on a stable toolchain: cargo-fuzz's -Z flags are allowed through
# RUSTC_BOOTSTRAP=1 (installs cargo-fuzz first if it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/har" "$seeds/ndjson" "$seeds/envelope" "$seeds/locate" "$seeds/pipeline" "$seeds/fast"
for f in examples/captures/*.har tests/fixtures/captures/*.har; do cp "$f" "$seeds/har/"; done
for f in examples/captures/*.ndjson tests/fixtures/captures/*.ndjson; do cp "$f" "$seeds/ndjson/"; done
i=0
for f in tests/fixtures/captures/*.json examples/captures/*.json tests/fixtures/*/*/*.json; do
  i=$((i + 1))
  cp "$f" "$seeds/envelope/$i.json"
  { echo "/result/resultStatus"; cat "$f"; } > "$seeds/locate/$i"
done
# check_pipeline: first byte 0 = .har, 1 = .ndjson, 2 = .json
for f in "$seeds"/har/*; do { printf '\x00'; cat "$f"; } > "$seeds/pipeline/har-$(basename "$f")"; done
for f in "$seeds"/ndjson/*; do { printf '\x01'; cat "$f"; } > "$seeds/pipeline/ndjson-$(basename "$f")"; done
for f in "$seeds"/envelope/*; do { printf '\x02'; cat "$f"; } > "$seeds/pipeline/json-$(basename "$f")"; done
# fast_path: first byte picks the schema; the fixtures' bodies, each against a few schemas.
i=0
for f in tests/fixtures/*/*/*.json; do
  i=$((i + 1))
  for k in 0 1 2 3 4 5 6 7; do { printf "\\x0$k"; cat "$f"; } > "$seeds/fast/$i-$k"; done
done
run() {
  local target="$1" seed="$2"
  mkdir -p "fuzz/corpus/$target"
  echo "== fuzz $target for ${SECONDS_PER_TARGET}s"
  cargo fuzz run --sanitizer none --release "$target" "fuzz/corpus/$target" "$seeds/$seed" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1
}
run capture_har har
run capture_ndjson ndjson
run capture_envelope envelope
run locate locate
run check_pipeline pipeline
run fast_path fast
echo "fuzzing: all targets ran ${SECONDS_PER_TARGET}s without a crash"
