#!/usr/bin/env bash
# Chaos and soak: the real server on a temporary model root under mixed REST/gRPC predict load while
# versions are added, copied in slowly, corrupted and deleted, labels move and configs reload (file and
# gRPC, garbage included). Every answer is checked against the version that gave it. Exits non-zero on
# any unexpected error or RSS growth of 10% or more from minute 1 to the end. Results: docs/reliability.md.
#
# usage: bench/chaos.sh [MINUTES=10]   (extra arguments after it go to the driver, e.g. --keep)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
shift || true
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')

# Published to a folder of its own: a build elsewhere in the tree must not replace files under a running server.
out=${CHAOS_OUT:-/tmp/nserve-chaos-build}
dotnet publish "$root/src/NServe.Server" -c Release -o "$out/server" --nologo -v q > /dev/null
dotnet publish "$root/bench/Chaos" -c Release -o "$out/driver" --nologo -v q > /dev/null
exec dotnet "$out/driver/NServe.Bench.Chaos.dll" --server="$out/server/nserve.dll" --repo="$root" --seconds="$seconds" "$@"
