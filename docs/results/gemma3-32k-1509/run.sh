#!/usr/bin/env bash
# Coordinator's quiet end-of-session-9 run: clean clone of main; issue 12 and 14 ratios side by side.
# Usage: setsid bash -c 'echo -20 > /proc/self/autogroup; exec flock /work/notes/bench.lock /work/notes/final9.sh OUT'
set -u
out="${1:?out dir}"
/work/notes/final-bench.sh "$out"
cd /tmp/final-src
QUEST_HOME=/tmp/final-src bash docs/results/gemma3-32k-1100/run-locked-32k.sh batch $out/gemma-batch
M=models/gemma-3-270m-q4_k_m.gguf
echo "batch p8 dense6 start $(date -u +%H:%M:%S) $(uptime)"
bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 --page-size 8 \
  --dense-layers 6 --shared-document=true --threads 2 --llamacpp $out/gemma-batch/llama-batched-bench.jsonl \
  > $out/gemma-batch/ours-batch-p8-dense6.txt 2> $out/gemma-batch/ours-batch-p8-dense6.err
echo "batch p8 dense6 exit $? $(date -u +%H:%M:%S) $(uptime)"
QUEST_HOME=/tmp/final-src bash docs/results/gemma3-32k-1100/run-locked-32k.sh single $out/gemma-single
QUEST_HOME=/tmp/final-src bash docs/results/gemma3-32k-1100/run-locked-32k.sh single16 $out/gemma-single2
echo ALLDONE $(date -u +%H:%M:%S) $(uptime)
