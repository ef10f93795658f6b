#!/usr/bin/env bash
# Fuzzes one NServe component with AFL++ and SharpFuzz for a given time.
#   fuzz/run.sh TARGET SECONDS
# TARGET: rest-json | text-format | tensor-bundle | tfrecord | graph-conversion
# Installs AFL++ (apt) and the sharpfuzz tool when missing, publishes the harness to fuzz/out/bin, instruments
# the NServe assemblies there, seeds fuzz/out/TARGET/seeds (generated seeds, plus tiny real files from
# ../shared/testdata when present) and runs afl-fuzz. Findings: fuzz/out/TARGET/findings/default/{crashes,hangs}.
# Replay one: dotnet fuzz/out/plain/NServe.Fuzz.dll TARGET --replay FILE
set -euo pipefail

targets="rest-json text-format tensor-bundle tfrecord graph-conversion"
if [[ $# -ne 2 || ! " $targets " =~ " $1 " || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET SECONDS   (TARGET: ${targets// / | })" >&2
  exit 2
fi
target=$1
seconds=$2
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
out=$fuzz/out
bin=$out/bin

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
(cd "$fuzz" && dotnet tool restore >/dev/null)

# One build serves every target, rebuilt when a source is newer than it: plain (seeding, replay) and a copy
# with the NServe assemblies instrumented (fuzzing; its code only runs once SharpFuzz has a coverage map).
plain=$out/plain
stamp=$bin/.instrumented
if [[ ! -f $stamp ]] || [[ -n $(find "$root/src" "$fuzz/NServe.Fuzz" -name '*.cs' -newer "$stamp" -print -quit) ]]; then
  rm -rf "$bin" "$plain"
  dotnet publish "$fuzz/NServe.Fuzz" -c Release -o "$plain" -p:UseAppHost=false --nologo -v q
  cp -r "$plain" "$bin"
  for assembly in NServe.Core.dll NServe.TensorFlow.dll nserve.dll; do
    (cd "$fuzz" && dotnet tool run sharpfuzz "$bin/$assembly")
  done
  touch "$stamp"
fi

work=$out/$target
rm -rf "$work/seeds"
dotnet "$plain/NServe.Fuzz.dll" "$target" --seeds "$work/seeds" "${NSERVE_TESTDATA:-$root/../shared/testdata}"

dict=()
[[ -f $fuzz/dict/$target.dict ]] && dict=(-x "$fuzz/dict/$target.dict")
# Resume a previous run's queue when there is one (-i -), else start from the seeds.
input=(-i "$work/seeds")
[[ -d $work/findings/default/queue ]] && input=(-i -)

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0 DOTNET_gcServer=0
# -t: an input taking over 5 s is a hang; -m none: .NET reserves far more address space than AFL's default cap.
afl-fuzz "${input[@]}" -o "$work/findings" -V "$seconds" -t 5000 -m none "${dict[@]}" \
  -- dotnet "$bin/NServe.Fuzz.dll" "$target" > "$work/afl.log" 2>&1 || { tail -40 "$work/afl.log" >&2; exit 1; }

stats=$work/findings/default/fuzzer_stats
crashes=$(find "$work/findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$work/findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "$target: $(awk -F' *: ' '$1=="run_time"||$1=="execs_done"||$1=="execs_per_sec"||$1=="corpus_count"||$1=="edges_found"||$1=="bitmap_cvg" {printf "%s=%s ", $1, $2}' "$stats")crashes=$crashes hangs=$hangs"
