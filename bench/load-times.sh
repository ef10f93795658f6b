#!/usr/bin/env bash
# Load-time and load-memory figures for docs/performance.md ("Load times" section).
#  1. every SavedModel in ../shared/testdata: load time by phase through TensorFlowLoader (median of rounds);
#  2. the largest: NServe's whole load against creating an ORT session from its `nserve convert` output,
#     in alternating rounds (median ratio);
#  3. RSS growth of loading a multi-signature model with weights shared across signatures and without,
#     each load in a fresh process, on/off alternating.
#
# usage: bench/load-times.sh [rounds=7] [rss rounds=4] [testdata=../shared/testdata]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-7}
rss_rounds=${2:-4}
data=$(cd "${3:-$root/../shared/testdata}" && pwd)
out=${BENCH_OUT:-/tmp/nserve-bench/load-times}
mkdir -p "$out"

dotnet build "$root/src/NServe.Server" -c Release --nologo -v q > /dev/null
dotnet build "$root/bench/NServe.Bench.LoadTimes" -c Release --nologo -v q > /dev/null
nserve() { dotnet "$root/src/NServe.Server/bin/Release/net10.0/linux-x64/nserve.dll" "$@"; }
bench() { dotnet "$root/bench/NServe.Bench.LoadTimes/bin/Release/net10.0/linux-x64/NServe.Bench.LoadTimes.dll" "$@"; }

# Every SavedModel folder: savedmodels/* and each tfserving model's version folders.
models=()
for dir in "$data"/savedmodels/* "$data"/tfserving/*/* "$data"/tfserving/*; do
  if [ -f "$dir/saved_model.pb" ] || [ -f "$dir/saved_model.pbtxt" ]; then models+=("$dir"); fi
done
largest=$(du -sb "${models[@]}" | sort -n | tail -1 | cut -f2)

echo "commit $(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo
echo "## load time per model ($rounds loads each; each column is the median of that phase, so they need not add up to the total)"
nserve convert "$largest" "$out/largest.onnx" > /dev/null
bench times --root="$data" --rounds="$rounds" --largest="$largest" --onnx="$out/largest.onnx" "${models[@]}"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rss_compare() {
  local model=$1 label=$2
  : > "$out/rss-on.txt"; : > "$out/rss-off.txt"
  for ((i = 0; i < rss_rounds; i++)); do
    for share in on off; do
      line=$(bench rss "$model" --share=$share --warm="$data/tfserving/saved_model_half_plus_two_cpu/00000123")
      rss=$(sed -E 's/.*rss_growth_bytes=([0-9-]+).*/\1/' <<< "$line")
      managed=$(sed -E 's/.*managed_growth_bytes=([0-9-]+).*/\1/' <<< "$line")
      echo "$rss $((rss - managed)) $line" >> "$out/rss-$share.txt"
    done
  done
  local shared=$(sed -E 's/.*shared_weights=([0-9]+) shared_bytes=([0-9]+).*/\1 weights, \2 bytes/' < "$out/rss-on.txt" | head -1)
  printf '| %s | shared: %s | RSS growth %.1f MiB (native %.1f MiB) | RSS growth %.1f MiB (native %.1f MiB) |\n' "$label" "$shared" \
    "$(cut -d' ' -f1 "$out/rss-on.txt" | median | awk '{ print $1 / 1048576 }')" "$(cut -d' ' -f2 "$out/rss-on.txt" | median | awk '{ print $1 / 1048576 }')" \
    "$(cut -d' ' -f1 "$out/rss-off.txt" | median | awk '{ print $1 / 1048576 }')" "$(cut -d' ' -f2 "$out/rss-off.txt" | median | awk '{ print $1 / 1048576 }')"
}

echo
echo "## RSS growth of one load, weights shared across signatures vs each session its own ($rss_rounds fresh processes each, median)"
echo "| model | | sharing on | sharing off |"
echo "|---|---|---|---|"
rss_compare "$data/tfserving/saved_model_half_plus_two_mkl/00000123" "saved_model_half_plus_two_mkl (5 signatures, largest multi-signature test model)"
bench write-shared "$out/shared_2048x4/1" --width=2048 --signatures=4 > /dev/null
rss_compare "$out/shared_2048x4/1" "written by the bench: 4 signatures over one 2048×2048 float weight (16 MiB)"
