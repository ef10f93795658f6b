#!/usr/bin/env bash
# Fuzzes every NServe target in turn, SECONDS each: fuzz/run-all.sh SECONDS
set -euo pipefail
if [[ $# -ne 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS" >&2
  exit 2
fi
fuzz=$(cd "$(dirname "$0")" && pwd)
for target in rest-json text-format tensor-bundle tfrecord graph-conversion; do
  "$fuzz/run.sh" "$target" "$1"
done
