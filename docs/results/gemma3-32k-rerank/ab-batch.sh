#!/usr/bin/env bash
# usage: ab-batch.sh OUTDIR   (under flock /work/notes/bench.lock): batch of 8 on one 32,600-token document, Quest 2048
# pages of 8, the bounds alone against rerank-factor 4, side by side (gemma10).
set -u
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
out=$(realpath -m "$1"); mkdir -p "$out"
cd "${QUEST_HOME:-$(dirname "$(realpath "$0")")/../../..}"
M=models/gemma-3-270m-q4_k_m.gguf
echo "ab start $(date -u +%H:%M:%S) $(uptime)"
for F in 0 4; do
  bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 --page-size 8 \
    --rerank-factor $F --shared-document=true --threads 2 > $out/ours-batch-p8-rerank$F.txt 2> $out/ours-batch-p8-rerank$F.err
  echo "rerank $F exit $? $(date -u +%H:%M:%S) $(uptime)"
done
