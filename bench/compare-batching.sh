#!/usr/bin/env bash
# Batching on against batching off in the server, on a compute-bound model (MLP 784-H-H-10 written by
# NServe.Bench.Batching, H = 512 unless MLP_HIDDEN says otherwise) under single-example REST clients. Two nserve processes run side by side, one
# with --enable_batching, and are loaded in alternating rounds; the figure is the median per-round ratio.
#
# usage: bench/compare-batching.sh [rounds=4] [seconds per run=10] [concurrency=64] [batching parameters file]
# env: BENCH_PROTOCOL=grpc loads over gRPC instead of REST; NSERVE_FLAGS adds server flags; BENCH_NO_BUILD=1;
#      MLP_HIDDEN=2048 for the wider MLP (23 MB of weights); LOAD_FLAGS adds load generator flags
#      (LOAD_FLAGS=--raw-http: REST over plain sockets, less client CPU on the shared cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-4}
seconds=${2:-10}
concurrency=${3:-64}
out=${BENCH_OUT:-/tmp/nserve-bench}
mkdir -p "$out"
params=${4:-$out/batch.config}
if [ ! -f "$params" ]; then
  # TF Serving's CPU advice: threads = cores, no timeout, a max batch that concurrent clients can fill.
  printf 'max_batch_size { value: %d }\nbatch_timeout_micros { value: 0 }\nmax_enqueued_batches { value: 1000 }\nnum_batch_threads { value: %d }\n' \
    "$concurrency" "$(nproc)" > "$params"
fi

# BENCH_NO_BUILD=1 reuses what an earlier run published to $out (repeat runs on a busy machine).
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  for project in src/NServe.Server bench/NServe.Bench.Load bench/NServe.Bench.Batching; do
    dotnet publish "$root/$project" -c Release -o "$out/$(basename "$project")" --nologo -v q > /dev/null
  done
fi
"$out/NServe.Bench.Batching/NServe.Bench.Batching" write-mlp "$out/models" --hidden="${MLP_HIDDEN:-512}" > /dev/null
body=$out/models/mlp_request.json

# NSERVE_FLAGS adds flags to both servers, e.g. NSERVE_FLAGS=--tensorflow_intra_op_parallelism=1.
# shellcheck disable=SC2086
"$out/NServe.Server/nserve" --port=28700 --rest_api_port=28701 --model_name=mlp --model_base_path="$out/models/mlp" ${NSERVE_FLAGS:-} > "$out/nserve-off.log" 2>&1 &
off_pid=$!
# shellcheck disable=SC2086
"$out/NServe.Server/nserve" --port=28710 --rest_api_port=28711 --model_name=mlp --model_base_path="$out/models/mlp" \
  --enable_batching --batching_parameters_file="$params" ${NSERVE_FLAGS:-} > "$out/nserve-on.log" 2>&1 &
on_pid=$!
trap 'kill $off_pid $on_pid 2>/dev/null || true' EXIT
for port in 28701 28711; do
  for _ in $(seq 1 60); do
    curl -sf -o /dev/null -d @"$body" "http://localhost:$port/v1/models/mlp:predict" && break
    sleep 1
  done
done

# CPU time a process has used, in clock ticks (user + system): the server's cost per example, which the
# other load on a shared machine disturbs far less than throughput.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load() { # port-prefix seconds warmup-seconds
  local target
  # REST on ports 287x1, gRPC (tensor_content, no JSON) on 287x0 with BENCH_PROTOCOL=grpc.
  if [ "${BENCH_PROTOCOL:-rest}" = grpc ]; then target="--target=localhost:${1}0"; else target="--url=http://localhost:${1}1"; fi
  # shellcheck disable=SC2086
  "$out/NServe.Bench.Load/NServe.Bench.Load" "$target" --model=mlp --body-file="$body" \
    --concurrency="$concurrency" --duration="$2" --warmup="$3" ${LOAD_FLAGS:-} | tail -1
}
# Both servers are loaded once, untimed, before the rounds: ORT plans memory for each new batch size and the
# JIT tiers up, so the first seconds under load are slower than the rest.
load 2870 "$seconds" 1 > /dev/null
load 2871 "$seconds" 1 > /dev/null

results=$out/batching.txt
: > "$results"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order="off on"; else order="on off"; fi
  for mode in $order; do
    if [ "$mode" = on ]; then port=2871; pid=$on_pid; else port=2870; pid=$off_pid; fi
    # No warm-up inside a measured run (the servers are warm), so the CPU ticks cover exactly its requests.
    before=$(cpu_ticks "$pid")
    line=$(load "$port" "$seconds" 0)
    echo "$round $mode $line cpu_ticks=$(( $(cpu_ticks "$pid") - before ))" | tee -a "$results"
  done
done

# One batch's compute, timed alone with the servers stopped: the p99 target is 2 x (batch timeout + this).
kill "$off_pid" "$on_pid" 2>/dev/null || true
wait "$off_pid" "$on_pid" 2>/dev/null || true
max_batch=$(sed -n 's/.*max_batch_size *{ *value: *\([0-9]*\).*/\1/p' "$params")
timeout_us=$(sed -n 's/.*batch_timeout_micros *{ *value: *\([0-9]*\).*/\1/p' "$params")
# Timed with the servers' intra-op thread count, so the bound matches how they compute a batch.
intra_op=$(echo "${NSERVE_FLAGS:-}" | sed -n 's/.*--tensorflow_intra_op_parallelism=\([0-9]*\).*/\1/p')
# Three timings, the middle one kept: one can land on a moment the machine is busy elsewhere.
batch_time=$(for _ in 1 2 3; do
  "$out/NServe.Bench.Batching/NServe.Bench.Batching" batch-time "$out/models/mlp/1/model.onnx" --batch="${max_batch:-64}" --runs=40 --intra_op="${intra_op:-0}"
done | sort -t= -k4 -n | sed -n 2p)
echo "one batch alone (middle of three): $batch_time"

python3 - "$results" "$(getconf CLK_TCK)" "$batch_time" "${timeout_us:-0}" <<'PY'
import re, statistics, sys
runs = {}
tick_us = 1e6 / float(sys.argv[2])
for line in open(sys.argv[1]):
    round_, mode, rest = line.split(' ', 2)
    m = dict(re.findall(r'(\w+)=([\d.]+)', rest))
    runs[(int(round_), mode)] = (float(m['throughput']), float(m['p99']), float(m['cpu_ticks']) * tick_us / float(m['requests']))
rounds = sorted({r for (r, _) in runs})
ratios = [runs[(r, 'on')][0] / runs[(r, 'off')][0] for r in rounds]
cpu_ratios = [runs[(r, 'off')][2] / runs[(r, 'on')][2] for r in rounds]
med = lambda mode, i: statistics.median(runs[(r, mode)][i] for r in rounds)
print(f"batching off {med('off', 0):.0f}/s p99 {med('off', 1):.2f} ms {med('off', 2):.0f} us CPU/request; "
      f"on {med('on', 0):.0f}/s p99 {med('on', 1):.2f} ms {med('on', 2):.0f} us CPU/request")
print(f"  throughput speedup on/off: median {statistics.median(ratios):.2f}x (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
print(f"  CPU per request off/on: median {statistics.median(cpu_ratios):.2f}x (rounds: {', '.join(f'{x:.2f}' for x in cpu_ratios)})")
batch = dict(re.findall(r'(\w+)=([\d.]+)', sys.argv[3]))
compute_ms = float(batch['median'])
bound = 2 * (float(sys.argv[4]) / 1000 + compute_ms)
p99s = [runs[(r, 'on')][1] for r in rounds]
print(f"  p99 with batching on: median {statistics.median(p99s):.2f} ms (rounds: {', '.join(f'{x:.2f}' for x in p99s)}); "
      f"bound 2 x (timeout {float(sys.argv[4]) / 1000:.2f} ms + batch of {batch['batch']} {compute_ms:.2f} ms) = {bound:.2f} ms")
PY
