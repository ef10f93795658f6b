#!/usr/bin/env bash
# GPU check, for a machine with an NVIDIA GPU (driver, CUDA 13 runtime libraries and cuDNN 9 on the library
# path) and the .NET 10 SDK. It builds the CPU and the GPU server, serves the demo model (half_plus_two) and a
# converted CNN (the CIFAR SavedModel from ../shared/testdata) on each, checks that the GPU answers match the
# CPU build's, and measures REST throughput at batch 1 and 32 with bench/NServe.Bench.Load.
# Nothing here has been run on a GPU by the project yet: see docs/gpu.md.
#
# usage: bench/gpu-check.sh [device=cuda:0] [seconds per run=10] [concurrency=8]
#   device=cpu runs the GPU build on the CPU: a dry run of this script on a machine without a GPU.
# env:   GPU_CHECK_OUT (default /tmp/nserve-gpu-check), GPU_CHECK_TOLERANCE (default 1e-3, absolute and relative)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
device=${1:-cuda:0}
seconds=${2:-10}
concurrency=${3:-8}
out=${GPU_CHECK_OUT:-/tmp/nserve-gpu-check}
tolerance=${GPU_CHECK_TOLERANCE:-1e-3}
cifar_src=$root/../shared/testdata/savedmodels/mltd__cifar_saved_model
mkdir -p "$out"

if command -v nvidia-smi > /dev/null; then
  nvidia-smi -L
else
  echo "note: nvidia-smi not found; the server's own device check will say what is missing"
fi

echo "== building (CPU server, GPU server, load generator) into $out"
dotnet publish "$root/src/NServe.Server" -c Release -o "$out/cpu" --nologo -v q > "$out/build-cpu.log"
# The GPU build restores another ORT package: its own artifacts folder keeps it from touching the CPU build's obj/.
dotnet publish "$root/src/NServe.Server" -c Release -p:NServeGpu=true -p:UseArtifactsOutput=true \
  -p:ArtifactsPath="$out/gpu-artifacts" -o "$out/gpu" --nologo -v q > "$out/build-gpu.log"
dotnet publish "$root/bench/NServe.Bench.Load" -c Release -o "$out/load" --nologo -v q > "$out/build-load.log"
test -f "$out/gpu/libonnxruntime_providers_cuda.so" || { echo "the GPU build has no libonnxruntime_providers_cuda.so"; exit 1; }

echo "== models"
rm -rf "$out/models" && mkdir -p "$out/models/cifar/1"
cp -r "$root/examples/half_plus_two" "$out/models/half_plus_two"
models="half_plus_two"
if [ -d "$cifar_src" ]; then
  cp -r "$cifar_src"/. "$out/models/cifar/1/"
  models="half_plus_two cifar"
else
  echo "note: $cifar_src is absent; checking half_plus_two only"
fi
{
  echo "model_config_list {"
  for m in $models; do echo "  config { name: \"$m\" base_path: \"$out/models/$m\" }"; done
  echo "}"
} > "$out/models.config"

python3 - "$out" <<'PY'
import json, random, sys
out = sys.argv[1]
rng = random.Random(11)
for batch in (1, 32):
    json.dump({"instances": [round(rng.uniform(-10, 10), 4) for _ in range(batch)]}, open(f"{out}/half_plus_two-{batch}.json", "w"))
    images = [[[[round(rng.uniform(-0.5, 0.5), 5) for _ in range(3)] for _ in range(32)] for _ in range(32)] for _ in range(batch)]
    json.dump({"inputs": {"Input": images}}, open(f"{out}/cifar-{batch}.json", "w"))
PY

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; }
trap cleanup EXIT
start() { # name port rest_port extra flags...
  local name=$1 port=$2 rest=$3; shift 3
  "$out/$name/nserve" --port="$port" --rest_api_port="$rest" --model_config_file="$out/models.config" "$@" > "$out/$name-server.log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 1 180); do
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "the $name server exited:"; tail -20 "$out/$name-server.log"; exit 1
    fi
    local ready=1
    for m in $models; do
      curl -sf "http://127.0.0.1:$rest/v1/models/$m" | grep -q AVAILABLE || ready=0
    done
    [ $ready = 1 ] && return 0
    sleep 1
  done
  echo "the $name server did not load its models in 180 s:"; tail -20 "$out/$name-server.log"; exit 1
}

echo "== starting the CPU server and the GPU server (--device=$device)"
start cpu 28700 28701
start gpu 28710 28711 --device="$device"
grep -E "Models run on|runs on|fall back" "$out/gpu-server.log" || true

echo "== answers: GPU build against CPU build (tolerance $tolerance)"
status=0
for m in $models; do
  for batch in 1 32; do
    body="$out/$m-$batch.json"
    curl -sf -d @"$body" "http://127.0.0.1:28701/v1/models/$m:predict" > "$out/$m-$batch.cpu.out"
    curl -sf -d @"$body" "http://127.0.0.1:28711/v1/models/$m:predict" > "$out/$m-$batch.gpu.out"
    python3 - "$out/$m-$batch.cpu.out" "$out/$m-$batch.gpu.out" "$tolerance" "$m batch $batch" <<'PY' || status=1
import json, sys
def flat(v):
    if isinstance(v, list):
        for x in v:
            yield from flat(x)
    elif isinstance(v, dict):
        for k in sorted(v):
            yield from flat(v[k])
    else:
        yield v
cpu = list(flat(json.load(open(sys.argv[1]))))
gpu = list(flat(json.load(open(sys.argv[2]))))
tol = float(sys.argv[3])
if len(cpu) != len(gpu) or not cpu:
    print(f"FAIL {sys.argv[4]}: {len(cpu)} values on the CPU, {len(gpu)} on the GPU"); sys.exit(1)
worst = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(cpu, gpu))
print(f"{'ok  ' if worst <= tol else 'FAIL'} {sys.argv[4]}: {len(cpu)} values, largest difference {worst:.3g}")
sys.exit(0 if worst <= tol else 1)
PY
  done
done

echo "== throughput (REST, concurrency $concurrency, $seconds s per run; rows/s = requests/s x batch)"
for m in $models; do
  for batch in 1 32; do
    for name in cpu gpu; do
      port=$([ $name = cpu ] && echo 28701 || echo 28711)
      line=$("$out/load/NServe.Bench.Load" --url="http://127.0.0.1:$port" --model="$m" --body-file="$out/$m-$batch.json" \
        --concurrency="$concurrency" --duration="$seconds" --warmup=2 | tail -1)
      echo "$m batch $batch, $name build$([ $name = gpu ] && echo " on $device"): $line"
    done
  done
done

[ $status = 0 ] && echo "GPU answers match the CPU build" || echo "GPU answers DIFFER from the CPU build (see above)"
exit $status
