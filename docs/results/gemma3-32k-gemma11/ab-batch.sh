#!/usr/bin/env bash
# usage: ab-batch.sh OUTDIR A B   (under flock /work/notes/bench.lock)   gemma11: a batch of 8 on one 32,600-token
# document and its batch 1 (bench-batch --batch-sizes 1,8), Quest 2048, pages of 8, rerank-factor 4: the builds in A
# and B alternated A, B, A, B; then B at pages of 16 with rerank-factor 4.
set -u
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
out=$(realpath -m "$1"); a=$(realpath "$2"); b=$(realpath "$3"); mkdir -p "$out"
M=$b/models/gemma-3-270m-q4_k_m.gguf
echo "start $(date -u +%H:%M:%S) A $(git -C $a rev-parse --short HEAD) B $(git -C $b rev-parse --short HEAD) $(uptime)"
one() { # name tree page
  QUEST_HOME=$2 $2/bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 \
    --page-size $3 --rerank-factor 4 --shared-document=true --threads 2 > $out/$1.txt 2> $out/$1.err
  echo "$1 exit $? $(date -u +%H:%M:%S) $(uptime)"
}
one A-1 $a 8; one B-1 $b 8; one A-2 $a 8; one B-2 $b 8; one B-p16 $b 16
