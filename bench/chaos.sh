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

dotnet build "$root/src/NServe.Server" -c Release --nologo -v q > /dev/null
dotnet build "$root/bench/Chaos" -c Release --nologo -v q > /dev/null
server=$(ls "$root"/src/NServe.Server/bin/Release/net10.0/*/nserve.dll "$root"/src/NServe.Server/bin/Release/net10.0/nserve.dll 2>/dev/null | head -1)
driver=$(ls "$root"/bench/Chaos/bin/Release/net10.0/*/NServe.Bench.Chaos.dll "$root"/bench/Chaos/bin/Release/net10.0/NServe.Bench.Chaos.dll 2>/dev/null | head -1)
exec dotnet "$driver" --server="$server" --repo="$root" --seconds="$seconds" "$@"
