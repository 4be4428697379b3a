#!/usr/bin/env bash
# Wall time of an 8-SAE sweep built with -p:Jobs=1 and with -p:Jobs=N (default 2), from empty artifacts each time,
# alternating the two for --rounds rounds (default 3) so that drift in the machine's speed hits both alike.
# Prints each build's seconds, the medians, and the ratio Jobs=1 / Jobs=N (above 1: the parallel build is faster).
#   bash build/bench-jobs.sh [jobs] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
rounds=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/pipeline.yaml" <<'YAML'
name: bench-jobs
seed: 3
synthetic:
  n_features: 256
  d_in: 64
  n_tokens: 65536
  n_heldout_tokens: 8192
sae_defaults:
  d_sae: 512
  lr: 0.003
  batch_size: 1024
  training_tokens: 524288
  lr_warmup_steps: 10
  sparsity_warmup_steps: 20
  shuffle_buffer_rows: 16384
saes:
  - name: relu
    sweep:
      l1_coefficient: [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2]
YAML
build() {   # build <jobs> <artifacts>: prints the wall seconds
  local start end
  start=$(date +%s.%N)
  dotnet build -t:Experiment -p:Pipeline="$work/pipeline.yaml" -p:Artifacts="$2" -p:Notes="$work/notes.txt" -p:Jobs="$1" \
    -nologo -v:q -tl:off > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
dotnet build -t:Status -p:Pipeline="$work/pipeline.yaml" -p:Artifacts="$work/warm" -nologo -v:q -tl:off > /dev/null   # tools built
serial=() parallel=()
for r in $(seq "$rounds"); do
  s=$(build 1 "$work/a1-$r"); p=$(build "$jobs" "$work/a$jobs-$r")
  serial+=("$s"); parallel+=("$p")
  printf 'round %d: Jobs=1 %.1f s, Jobs=%d %.1f s\n' "$r" "$s" "$jobs" "$p"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms=$(median "${serial[@]}"); mp=$(median "${parallel[@]}")
printf 'median: Jobs=1 %.1f s, Jobs=%d %.1f s; ratio %.2f× on %d cores (18 items: a cache, 8 trainings, 8 evaluations, a report)\n' \
  "$ms" "$jobs" "$mp" "$(echo "$ms / $mp" | bc -l)" "$(nproc)"
