#!/usr/bin/env bash
# The side-by-side bench: Accord against its peers and two serde_json
# baselines, on the same Tuya order-details corpora, in one run.
#
#   bench/peers.sh [DOCUMENTS]     (default 120000, about 210 MB; not run in CI)
#
# Installs the peers into bench/.peers (install-peers.sh), builds Accord and
# the baselines in release mode, generates the corpora (corpus.py), then runs:
#   - serde_json into IgnoredAny, 1 thread (the parse alone: the practical limit);
#   - sonic-rs building its own DOM (sonic_rs::Value, used natively), 1 thread;
#   - the fast path's SIMD structural index alone, and with a grammar walk;
#   - the fast path on both front ends (the structural index, and serde_json's parser);
#   - serde_json into Value, 1 thread; jsonschema's is_valid on that Value;
#   - Accord's fast path alone, 1 thread;
#   - `accord check --schema` on the JSON Lines, 1 and 2 threads;
#   - `accord check` on the NDJSON capture envelopes (built-in catalog), 1 and 2 threads;
#   - the same on the 5%-invalid corpora, every diagnostic rendered;
#   - `accord check` on a HAR of 30,000 exchanges against the same 30,000 as NDJSON;
#   - ajv-cli 5 with ajv-formats, jsonschema-cli, check-jsonschema (files), and
#     sourcemeta's jsonschema CLI (JSON Lines).
# Each line: MB/s over the bytes the tool read, and peak RSS (GNU time).
# Peers read fewer documents where they are slow; MB/s is over what each read.
set -euo pipefail
cd "$(dirname "$0")"
DOCS="${1:-120000}"
OUT="$PWD/out"
./install-peers.sh >/dev/null
(cd .. && cargo build --release --quiet -p accord-validator --bin accord --example scan)
ACCORD="$PWD/../target/release/accord"
SCAN="$PWD/../target/release/examples/scan"
[ -f "$OUT/valid.jsonl" ] && [ "$(wc -l < "$OUT/valid.jsonl")" -eq "$DOCS" ] || python3 corpus.py "$OUT" "$DOCS" >/dev/null
SCHEMA="$OUT/tuya-response.schema.json"
PEERS="$PWD/.peers"
size() { du -cb "$@" | tail -1 | cut -f1; }

# run LABEL BYTES COMMAND...: the best of three runs, MB/s and peak RSS.
run() {
  local label="$1" bytes="$2"; shift 2
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/accord-bench.time "$@" >/dev/null 2>&1 || true
    # GNU time writes "Command exited with non-zero status N" first when a check finds errors.
    read -r secs kb < <(tail -n 1 /tmp/accord-bench.time)
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best="$secs"; rss="$kb"; fi
  done
  awk -v l="$label" -v b="$bytes" -v s="$best" -v k="$rss" \
    'BEGIN { printf "| %-62s | %8.1f | %7.0f |\n", l, b / 1e6 / (s > 0 ? s : 0.001), k / 1024 }'
}

VALID=$(size "$OUT/valid.jsonl")
echo "Corpus: $DOCS Tuya order-details responses, $(awk -v b="$VALID" 'BEGIN{printf "%.0f", b/1e6}') MB as JSON Lines; $(date -u +%F), $(nproc) cores, $(uname -m)"
echo
echo "| pass | MB/s | peak RSS (MiB) |"
echo "|---|---:|---:|"
run "serde_json into IgnoredAny, 1 thread (the practical limit)" "$VALID" "$SCAN" scan "$OUT/valid.jsonl"
run "sonic-rs DOM (sonic_rs::Value), 1 thread" "$VALID" "$SCAN" sonic "$OUT/valid.jsonl"
run "Accord structural index alone (SIMD stage one), 1 thread" "$VALID" "$SCAN" index "$OUT/valid.jsonl"
run "Accord structural index + grammar walk, 1 thread" "$VALID" "$SCAN" walk "$OUT/valid.jsonl"
run "serde_json into Value, 1 thread" "$VALID" "$SCAN" value "$OUT/valid.jsonl"
run "jsonschema 0.61 is_valid on Value, 1 thread" "$VALID" "$SCAN" jsonschema "$OUT/valid.jsonl" "$SCHEMA"
run "Accord fast path alone (structural index), 1 thread" "$VALID" "$SCAN" fast "$OUT/valid.jsonl" "$SCHEMA"
run "Accord fast path alone (serde front end), 1 thread" "$VALID" "$SCAN" fast-serde "$OUT/valid.jsonl" "$SCHEMA"
for t in 1 2; do
  run "accord check --schema (JSON Lines), $t thread(s)" "$VALID" \
    env RAYON_NUM_THREADS=$t "$ACCORD" check --format json --assert-format --schema "$SCHEMA" "$OUT/valid.jsonl"
done
run "accord check --schema (JSON Lines), serde front end, 1 thread" "$VALID" \
  env RAYON_NUM_THREADS=1 ACCORD_FAST_FRONT_END=serde "$ACCORD" check --format json --assert-format --schema "$SCHEMA" "$OUT/valid.jsonl"
ENV_BYTES=$(size "$OUT/valid.ndjson")
run "accord check (NDJSON envelopes), serde front end, 1 thread" "$ENV_BYTES" \
  env RAYON_NUM_THREADS=1 ACCORD_FAST_FRONT_END=serde "$ACCORD" check --format json "$OUT/valid.ndjson"
for t in 1 2; do
  run "accord check (NDJSON envelopes, built-in catalog), $t thread(s)" "$ENV_BYTES" \
    env RAYON_NUM_THREADS=$t "$ACCORD" check --format json "$OUT/valid.ndjson"
done
INVALID=$(size "$OUT/invalid.jsonl")
INV_ENV=$(size "$OUT/invalid.ndjson")
for t in 1 2; do
  run "5% invalid: accord check --schema (JSON Lines), $t thread(s)" "$INVALID" \
    env RAYON_NUM_THREADS=$t "$ACCORD" check --format json --assert-format --schema "$SCHEMA" "$OUT/invalid.jsonl"
  run "5% invalid: accord check (NDJSON envelopes), $t thread(s)" "$INV_ENV" \
    env RAYON_NUM_THREADS=$t "$ACCORD" check --format json "$OUT/invalid.ndjson"
done
HAR=$(size "$OUT/valid.har")
SAME=$(size "$OUT/har-same.ndjson")
run "accord check, HAR (30,000 exchanges, string bodies), 2 threads" "$HAR" "$ACCORD" check --format json "$OUT/valid.har"
run "accord check, the same 30,000 as NDJSON, 2 threads" "$SAME" "$ACCORD" check --format json "$OUT/har-same.ndjson"
FILES=$(size "$OUT"/files/*.json)
run "ajv-cli 5 + ajv-formats (20,000 files)" "$FILES" \
  "$PEERS/node/node_modules/.bin/ajv" validate --spec=draft2020 --strict=false -c ajv-formats -s "$SCHEMA" -d "$OUT/files/*.json"
run "jsonschema-cli 0.60 --assert-format (20,000 files)" "$FILES" \
  bash -c "ls $OUT/files/*.json | xargs $PEERS/cargo/bin/jsonschema-cli validate --assert-format --errors-only $SCHEMA -i"
run "sourcemeta jsonschema validate --fast (JSON Lines)" "$VALID" \
  "$PEERS/node/node_modules/.bin/jsonschema" validate --fast "$SCHEMA" "$OUT/valid.jsonl"
SMALL=$(size "$OUT"/files/0[01]*.json)
run "check-jsonschema (2,000 files)" "$SMALL" \
  bash -c "$PEERS/venv/bin/check-jsonschema --schemafile $SCHEMA $OUT/files/0[01]*.json"
