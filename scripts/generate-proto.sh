#!/usr/bin/env bash
# Generates Python code and .pyi stubs from proto/ into src/interface_adapter/serialization/generated/.
#   ./scripts/generate-proto.sh          regenerate (the output directory is replaced as a whole)
#   ./scripts/generate-proto.sh --check  fail if the committed generated code is not up to date
set -euo pipefail

mode="generate"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv
cd "$REPO_ROOT"

PROTO_DIR="proto"
TARGET_DIR="src/interface_adapter/serialization/generated"
PYTHON_PACKAGE="interface_adapter.serialization.generated"
HEADER='"""Code generated from proto/ by scripts/generate-proto.sh: do not edit."""'

generate_into() {
  local out="$1"
  local protos
  mapfile -t protos < <(cd "$PROTO_DIR" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
  if [ ${#protos[@]} -eq 0 ]; then
    echo "error: no .proto file under $PROTO_DIR/" >&2
    exit 1
  fi
  mkdir -p "$out"
  # grpc_tools.protoc adds the include path of the well-known types (google/protobuf/*.proto).
  "$VENV_PY" -m grpc_tools.protoc -I "$PROTO_DIR" --python_out="$out" --pyi_out="$out" "${protos[@]}"

  # protoc imports a sibling file by its proto path ("from user_account import events_pb2"), which
  # only works with the output directory on sys.path: make those imports absolute in our package.
  local dirs
  dirs="$(cd "$PROTO_DIR" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | LC_ALL=C sort | paste -sd'|' -)"
  if [ -n "$dirs" ]; then
    find "$out" \( -name '*_pb2.py' -o -name '*_pb2.pyi' \) -print0 |
      xargs -0 sed -i -E "s/^from (${dirs})( |\.)/from ${PYTHON_PACKAGE}.\1\2/"
  fi
  # Every directory is a regular package, so mypy and setuptools see the modules.
  find "$out" -type d -print0 | while IFS= read -r -d '' dir; do
    printf '%s\n' "$HEADER" >"$dir/__init__.py"
  done
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
generate_into "$tmp/generated"

if [ "$mode" = "check" ]; then
  if ! diff -r -x __pycache__ "$tmp/generated" "$TARGET_DIR" >"$tmp/diff" 2>&1; then
    cat "$tmp/diff" >&2
    echo "error: $TARGET_DIR is out of date with $PROTO_DIR/." >&2
    echo "       Run ./scripts/generate-proto.sh and commit the result." >&2
    exit 1
  fi
  echo "generated protobuf code is up to date"
  exit 0
fi

rm -rf "$TARGET_DIR"
mkdir -p "$(dirname "$TARGET_DIR")"
cp -r "$tmp/generated" "$TARGET_DIR"
echo "generated $(find "$TARGET_DIR" -name '*_pb2.py' | wc -l) module(s) into $TARGET_DIR"
