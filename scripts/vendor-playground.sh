#!/usr/bin/env bash
# Re-fetch the playground's browser assets (GraphiQL, React, ReactDOM) from the npm registry.
#
# The versions are the ones pinned in src/infrastructure/graphql_http/playground_assets.py
# (GRAPHIQL_VERSION, REACT_VERSION): bump them there, then run this script, then commit the result.
# It replaces the vendored directories under src/infrastructure/graphql_http/static/ and rewrites
# static/SHA256SUMS, which a unit test checks against the committed files. Needs `npm` (which checks
# each tarball against the registry's integrity hash). Tests never run it: the app serves the
# committed files, so the playground works with no internet access.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS_MODULE="$REPO_ROOT/src/infrastructure/graphql_http/playground_assets.py"
STATIC_DIR="$REPO_ROOT/src/infrastructure/graphql_http/static"

pinned() {
  local value
  value="$(sed -n "s/^$1 = \"\([^\"]*\)\"$/\1/p" "$ASSETS_MODULE")"
  if [ -z "$value" ]; then
    echo "error: $1 not found in $ASSETS_MODULE" >&2
    exit 1
  fi
  printf '%s' "$value"
}

GRAPHIQL_VERSION="$(pinned GRAPHIQL_VERSION)"
REACT_VERSION="$(pinned REACT_VERSION)"

command -v npm >/dev/null || { echo "error: npm is required (apt-get install npm)" >&2; exit 1; }

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT

# vendor PACKAGE VERSION FILE... : unpack PACKAGE@VERSION and copy FILEs (paths inside the
# package) and its LICENSE into static/PACKAGE-VERSION/.
vendor() {
  local package="$1" version="$2"
  shift 2
  local target="$STATIC_DIR/$package-$version"
  echo "==> $package@$version"
  mkdir -p "$WORK_DIR/$package"
  local tarball
  tarball="$(cd "$WORK_DIR" && npm pack --silent "$package@$version")"
  tar -xzf "$WORK_DIR/$tarball" -C "$WORK_DIR/$package"
  rm -rf "$STATIC_DIR/$package"-[0-9]*
  mkdir -p "$target"
  cp "$WORK_DIR/$package/package/LICENSE" "$target/LICENSE"
  local file
  for file in "$@"; do
    cp "$WORK_DIR/$package/package/$file" "$target/$(basename "$file")"
  done
}

vendor graphiql "$GRAPHIQL_VERSION" graphiql.min.js graphiql.min.css
vendor react "$REACT_VERSION" umd/react.production.min.js
vendor react-dom "$REACT_VERSION" umd/react-dom.production.min.js

cd "$STATIC_DIR"
find . -mindepth 2 -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS
echo "==> wrote $STATIC_DIR/SHA256SUMS"
cat SHA256SUMS
