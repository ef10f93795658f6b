#!/usr/bin/env bash
# NServe against the bare Kestrel+ORT baseline on the same model, REST and gRPC, as ratios.
# The machine is shared and noisy, so the two servers run side by side and are loaded in alternating
# short rounds (A B, then B A, ...); the figure is the median of the per-round ratios NServe/baseline.
#
# usage: bench/compare-overhead.sh [rounds=6] [seconds per run=5] [concurrency=32] [model base path] [body file]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-6}
seconds=${2:-5}
concurrency=${3:-32}
base_path=${4:-$root/examples/half_plus_two}
body=${5:-}
model=$(basename "$base_path")
out=${BENCH_OUT:-/tmp/nserve-bench}
mkdir -p "$out"
if [ -z "$body" ]; then
  body=$out/half_plus_two.json
  echo '{"instances": [1.0, 2.0, 5.0]}' > "$body"
fi

# BENCH_NO_BUILD=1 reuses what an earlier run published to $out (repeat runs on a busy machine).
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  for project in src/NServe.Server bench/NServe.Bench.Baseline bench/NServe.Bench.Load; do
    dotnet publish "$root/$project" -c Release -o "$out/$(basename "$project")" --nologo -v q > /dev/null
  done
fi

version_dir=$(ls -d "$base_path"/*/ | sort -V | tail -1)
"$out/NServe.Server/nserve" --port=28500 --rest_api_port=28501 --model_name="$model" --model_base_path="$base_path" > "$out/nserve.log" 2>&1 &
nserve_pid=$!
"$out/NServe.Bench.Baseline/NServe.Bench.Baseline" --model_path="${version_dir}model.onnx" --port=28600 --rest_api_port=28601 > "$out/baseline.log" 2>&1 &
baseline_pid=$!
trap 'kill $nserve_pid $baseline_pid 2>/dev/null || true' EXIT
for port in 28501 28601; do
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null -d @"$body" "http://localhost:$port/v1/models/$model:predict" && break
    sleep 1
  done
done

load() { "$out/NServe.Bench.Load/NServe.Bench.Load" "$@" --model="$model" --body-file="$body" --concurrency="$concurrency" --duration="$seconds" --warmup=1 | tail -1; }
# CPU time a process has used, in clock ticks (user + system): a cost per request that the other
# load on a shared machine disturbs far less than throughput.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
results=$out/overhead.txt
: > "$results"
for round in $(seq 1 "$rounds"); do
  for protocol in rest grpc; do
    if [ "$protocol" = rest ]; then a="--url=http://localhost:28501"; b="--url=http://localhost:28601"; else a="--target=localhost:28500"; b="--target=localhost:28600"; fi
    if [ $((round % 2)) -eq 1 ]; then order="nserve baseline"; else order="baseline nserve"; fi
    for server in $order; do
      if [ "$server" = nserve ]; then target=$a; pid=$nserve_pid; else target=$b; pid=$baseline_pid; fi
      before=$(cpu_ticks "$pid")
      line=$(load "$target")
      echo "$round $protocol $server $line cpu_ticks=$(( $(cpu_ticks "$pid") - before ))" | tee -a "$results"
    done
  done
done

python3 - "$results" "$(getconf CLK_TCK)" <<'PY'
import re, statistics, sys
runs = {}
tick_us = 1e6 / float(sys.argv[2])
for line in open(sys.argv[1]):
    round_, protocol, server, rest = line.split(' ', 3)
    m = dict(re.findall(r'(\w+)=([\d.]+)', rest))
    # throughput, p99, server CPU microseconds per request (warm-up requests are not counted in the
    # denominator, so this slightly overstates the cost; equally for both servers)
    runs[(int(round_), protocol, server)] = (float(m['throughput']), float(m['p99']), float(m['cpu_ticks']) * tick_us / float(m['requests']))
for protocol in ('rest', 'grpc'):
    rounds = sorted({r for (r, p, _) in runs if p == protocol})
    ratios = [runs[(r, protocol, 'nserve')][0] / runs[(r, protocol, 'baseline')][0] for r in rounds]
    cpu_ratios = [runs[(r, protocol, 'baseline')][2] / runs[(r, protocol, 'nserve')][2] for r in rounds]
    med = lambda server, i: statistics.median(runs[(r, protocol, server)][i] for r in rounds)
    print(f"{protocol}: nserve {med('nserve', 0):.0f}/s p99 {med('nserve', 1):.2f} ms {med('nserve', 2):.1f} us CPU/request; "
          f"baseline {med('baseline', 0):.0f}/s p99 {med('baseline', 1):.2f} ms {med('baseline', 2):.1f} us CPU/request")
    print(f"  throughput ratio nserve/baseline: median {statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
    print(f"  CPU efficiency ratio baseline/nserve CPU per request: median {statistics.median(cpu_ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in cpu_ratios)})")
PY
