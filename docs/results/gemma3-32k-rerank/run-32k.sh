#!/usr/bin/env bash
# usage: run-32k.sh single|batch OUTDIR [FACTOR]   (under flock /work/notes/bench.lock)
# gemma10's 32K decode beside llama.cpp: Quest 2048 at pages of 8, ranked by the bounds alone and reranked
# (rerank-factor F), against llama-bench -d 32768 (single) or llama-batched-bench's batch of 8 (--swa-full).
set -u
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
what=$1; out=$(realpath -m "$2"); F=${3:-4}
cd "${QUEST_HOME:-$(dirname "$(realpath "$0")")/../../..}"
mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
M=models/gemma-3-270m-q4_k_m.gguf
echo "$what start $(date -u +%H:%M:%S) commit $(git rev-parse --short HEAD) $(uptime)"
if [[ $what == single ]]; then
  $B/llama-bench -m $M -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $out/llama-bench-d32768.jsonl 2> $out/llama-bench-d32768.err
  echo "llama-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
    --rerank-factor 0 --threads 2 > $out/ours-single-p8.txt 2> $out/ours-single-p8.err
  echo "ours p8 exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
    --rerank-factor $F --threads 2 > $out/ours-single-p8-rerank$F.txt 2> $out/ours-single-p8-rerank$F.err
  echo "ours p8 rerank $F exit $? $(date -u +%H:%M:%S) $(uptime)"
else
  $B/llama-batched-bench -m $M -npp 32700 -ntg 32 -npl 8 -t 2 -tb 2 -fa on -pps -kvu -np 8 -c 33100 --swa-full --output-format jsonl \
    > $out/llama-batched-bench.jsonl 2> $out/llama-batched-bench.err
  echo "llama-batched-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 --page-size 8 \
    --rerank-factor $F --shared-document=true --threads 2 --llamacpp $out/llama-batched-bench.jsonl \
    > $out/ours-batch-p8-rerank$F.txt 2> $out/ours-batch-p8-rerank$F.err
  echo "ours batch p8 rerank $F exit $? $(date -u +%H:%M:%S) $(uptime)"
fi
