#!/usr/bin/env bash
# Coordinator's end-of-session quiet run (session 12): issue 12's script, issue 14's 32K single and batch
# (default rerank 4, bounds alone), and the head-relative factor-16 setting beside them.
set -u
out="${1:?out dir}"; mkdir -p "$out"
here=$(dirname "$(realpath "$0")")
"$here/../../bench-batch/quiet-1211/run.sh" "$out"   # issue 12's lines; clones main to /tmp/final-src
cd /tmp/final-src
M=models/gemma-3-270m-q4_k_m.gguf
QUEST_HOME=/tmp/final-src bash docs/results/gemma3-32k-rerank/run-32k.sh single "$out/g32k-single" 4 > "$out/g32k-single.log" 2>&1
bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
  --rerank-factor 16 --rerank-score head-relative --threads 2 > "$out/g32k-single/ours-single-p8-rerank16-hr.txt" 2>&1
echo "single hr end: $(uptime)" >> "$out/load.txt"
QUEST_HOME=/tmp/final-src bash docs/results/gemma3-32k-rerank/run-32k.sh batch "$out/g32k-batch" 4 > "$out/g32k-batch.log" 2>&1
bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 --page-size 8 \
  --rerank-factor 16 --rerank-score head-relative --shared-document=true --threads 2 \
  --llamacpp "$out/g32k-batch/llama-batched-bench.jsonl" > "$out/g32k-batch/ours-batch-p8-rerank16-hr.txt" 2>&1
echo "end: $(uptime)" | tee -a "$out/load.txt"
