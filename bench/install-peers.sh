#!/usr/bin/env bash
# Installs the peers the side-by-side bench runs, into bench/.peers/ (git-ignored),
# with their ordinary package managers. Versions are pinned so runs compare.
set -euo pipefail
cd "$(dirname "$0")"
PEERS="$PWD/.peers"
mkdir -p "$PEERS"
# ajv-cli 5 with ajv-formats, and sourcemeta's jsonschema CLI (Blaze), from npm.
if [ ! -x "$PEERS/node/node_modules/.bin/ajv" ] || [ ! -x "$PEERS/node/node_modules/.bin/jsonschema" ]; then
  mkdir -p "$PEERS/node"
  (cd "$PEERS/node" && npm init -y >/dev/null && npm install --no-audit --no-fund \
    ajv-cli@5.0.0 ajv-formats@3.0.1 @sourcemeta/jsonschema@16.11.0)
fi
# check-jsonschema, from PyPI, in its own virtual environment.
if [ ! -x "$PEERS/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$PEERS/venv"
  "$PEERS/venv/bin/pip" install --quiet check-jsonschema==0.39.0
fi
# jsonschema-cli (the Rust jsonschema crate's CLI), from crates.io.
if [ ! -x "$PEERS/cargo/bin/jsonschema-cli" ]; then
  cargo install --quiet --locked jsonschema-cli --root "$PEERS/cargo"
fi
echo "peers installed in $PEERS"
