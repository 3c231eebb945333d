#!/usr/bin/env bash
# usage: ab-single.sh OUTDIR BASE NEW [llama]   (under flock /work/notes/bench.lock)
# gemma11: single-sequence 32K decode, Quest 2048 at pages of 8 with rerank-factor 4, the build in BASE (main) and
# the build in NEW side by side in one run, alternated base, new, new with the bounds alone (rerank-factor 0), twice;
# with "llama", llama-bench -d 32768 first.
set -u
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
out=$(realpath -m "$1"); base=$(realpath "$2"); new=$(realpath "$3"); mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
M=$new/models/gemma-3-270m-q4_k_m.gguf
echo "start $(date -u +%H:%M:%S) base $(git -C $base rev-parse --short HEAD) new $(git -C $new rev-parse --short HEAD) $(uptime)"
if [[ ${4:-} == llama ]]; then
  $B/llama-bench -m $M -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $out/llama-bench-d32768.jsonl 2> $out/llama-bench-d32768.err
  echo "llama-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
fi
for run in 1 2; do
  for side in base new new-bounds; do
    dir=$base; F=4
    [[ $side != base ]] && dir=$new
    [[ $side == new-bounds ]] && F=0
    QUEST_HOME=$dir $dir/bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 \
      --attention quest:2048 --page-size 8 --rerank-factor $F --threads 2 > $out/$side-$run.txt 2> $out/$side-$run.err
    echo "$side run $run exit $? $(date -u +%H:%M:%S) $(uptime)"
  done
done
