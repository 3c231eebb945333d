#!/usr/bin/env bash
# usage: run-locked-32k.sh single|single16|batch OUTDIR   (under flock /work/notes/bench.lock, in a session of its own)
# docs/gemma3.md "Decode at 32K beside llama.cpp after the batched-step changes": single runs llama-bench at depth 32768
# and ours at 32,700 with three Quest settings (pages of 16; pages of 8, the jobs' default; pages of 8 with the first
# global layer dense; single16 the first only); batch runs llama-batched-bench's batch of 8 (it needs --swa-full) and ours sharing the document.
set -u
what=$1; out=$(realpath -m "$2")
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
cd "${QUEST_HOME:-$(dirname "$(realpath "$0")")/../../..}"
mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
M=models/gemma-3-270m-q4_k_m.gguf
echo "$what start $(date -u +%H:%M:%S) commit $(git rev-parse --short HEAD) $(uptime)"
if [[ $what == single || $what == single16 ]]; then
  $B/llama-bench -m $M -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $out/llama-bench-d32768.jsonl 2> $out/llama-bench-d32768.err
  echo "llama-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention dense,quest:2048 --page-size 16 \
    --threads 2 > $out/ours-single-p16.txt 2> $out/ours-single-p16.err
  echo "ours p16 exit $? $(date -u +%H:%M:%S) $(uptime)"
  [[ $what == single16 ]] && exit 0
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
    --threads 2 > $out/ours-single-p8.txt 2> $out/ours-single-p8.err
  echo "ours p8 exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
    --dense-layers 6 --threads 2 > $out/ours-single-p8-dense6.txt 2> $out/ours-single-p8-dense6.err
  echo "ours p8 dense-layers 6 exit $? $(date -u +%H:%M:%S) $(uptime)"
else
  $B/llama-batched-bench -m $M -npp 32700 -ntg 32 -npl 8 -t 2 -tb 2 -fa on -pps -kvu -np 8 -c 33100 --swa-full --output-format jsonl \
    > $out/llama-batched-bench.jsonl 2> $out/llama-batched-bench.err
  echo "llama-batched-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  bin/quest bench-batch --model $M --context 32600 --batch-sizes 1,8 --decode-tokens 32 --attention quest:2048 --page-size 16 \
    --shared-document=true --threads 2 --llamacpp $out/llama-batched-bench.jsonl > $out/ours-batch.txt 2> $out/ours-batch.err
  echo "ours exit $? $(date -u +%H:%M:%S) $(uptime)"
fi
