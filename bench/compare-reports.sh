#!/usr/bin/env bash
# Compares the reports of two `accord` binaries on every fixture, the shipped
# captures and the real-world corpus, in every format:
#   bench/compare-reports.sh OLD-ACCORD NEW-ACCORD
# human, github, junit and sarif are compared byte for byte; json as a JSON
# value (key order aside: since the reports stream, the summary is written
# after the diagnostics). Exit codes and stderr must match. A report that
# differs is classed "reordered" when it holds the same lines (json: the same
# diagnostics and summary) in another order, and "changed" otherwise. Prints
# one line per difference and a tally; exits 1 if any report changed.
set -u
old=$1 new=$2
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
same=0 reordered=0 changed=0
compare() { # label, then the arguments of accord check
  local label=$1; shift
  for format in human json sarif github junit; do
    "$old" check --format "$format" --color never "$@" > "$work/old" 2> "$work/old.err"; local a=$?
    "$new" check --format "$format" --color never "$@" > "$work/new" 2> "$work/new.err"; local b=$?
    local ok=1
    if [ "$format" = json ]; then
      python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a!=b)' "$work/old" "$work/new" || ok=0
    else
      cmp -s "$work/old" "$work/new" || ok=0
    fi
    [ $a = $b ] || ok=0
    cmp -s "$work/old.err" "$work/new.err" || ok=0
    if [ $ok = 1 ]; then same=$((same+1)); continue; fi
    if [ $a = $b ] && python3 - "$format" "$work/old" "$work/new" <<'PY'
import json, sys
fmt, a, b = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
if fmt == "json":
    a, b = json.loads(a), json.loads(b)
    key = lambda d: json.dumps(d, sort_keys=True)
    sys.exit(not (a["summary"] == b["summary"] and sorted(map(key, a["diagnostics"])) == sorted(map(key, b["diagnostics"]))))
sys.exit(sorted(a.splitlines()) != sorted(b.splitlines()))
PY
    then reordered=$((reordered+1)); echo "REORDERED: $label --format $format"
    else changed=$((changed+1)); echo "CHANGED: $label --format $format (exit $a vs $b)"; fi
  done
}
compare "examples/captures" examples/captures
compare "tests/fixtures/captures" tests/fixtures/captures
for f in tests/fixtures/captures/*; do compare "$f" "$f"; done
compare "tests/fixtures/captures (quiet, max 3)" tests/fixtures/captures --quiet --max-errors 3
compare "examples/captures --strict" examples/captures --strict
for dir in tests/fixtures/*.*/; do
  op=$(basename "$dir")
  for which in valid invalid; do
    files=$(ls "$dir$which"/request--* 2>/dev/null)
    # shellcheck disable=SC2086
    [ -z "$files" ] || compare "$op $which request" --operation "$op" --direction request $files
    for status in $(ls "$dir$which" | sed -n 's/^response-\([0-9]*\)--.*/\1/p' | sort -u); do
      # shellcheck disable=SC2086
      compare "$op $which response $status" --operation "$op" --direction response --status "$status" "$dir$which"/response-"$status"--*
    done
  done
done
for dir in tests/fixtures/real-world/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  schemas="$dir"
  [ -d "$dir/specification" ] && schemas="$dir/specification/DigitalOcean-public.v2.yaml"
  [ -d "$dir/openapi" ] && schemas="$dir/openapi/openapi.yaml"
  for f in "$dir"/*.ndjson; do compare "real-world $name $(basename "$f")" --schemas "$schemas" "$f"; done
done
compare "browser HAR (box)" --schemas tests/fixtures/real-world/box tests/fixtures/browser/box-images.har
echo "identical: $same  reordered: $reordered  changed: $changed"
[ $changed = 0 ]
