#!/usr/bin/env bash
# usage: ab-union.sh OUTDIR BASE_TREE NEW_TREE   (under flock /work/notes/bench.lock, raised)
# A = main (BASE_TREE), B = NEW_TREE (here the rerank pools' shared key pass), alternating A B B A: the batch-8 32K step
# on one Gemma document with Gemma's defaults (rerank-factor 4, max), three measurements of 32 tokens a sequence per
# process (the setting listed three times: each forks the prefilled document again). Then llama-batched-bench's batch
# of 8 on one document (-pps --swa-full) in the same run, for the ratio.
set -u
out=$(realpath -m "$1"); mkdir -p "$out"
M=/work/main/models/gemma-3-270m-q4_k_m.gguf
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
echo "start $(date -u +%H:%M:%S) $(uptime)"
for side in A B B A; do
  tree=$2; [[ $side == B ]] && tree=$3
  f=$out/batch8-$side-$(date -u +%H%M%S)
  (cd $tree && echo "commit $(git rev-parse --short HEAD) $(git status --short | grep -c '^ M') modified" > $f.txt &&
    bin/quest bench-batch --model $M --context 32600 --batch-sizes 8 --decode-tokens 32 \
      --attention quest:2048,quest:2048,quest:2048 --page-size 8 --shared-document=true --threads 2 >> $f.txt 2> $f.err)
  echo "$side exit $? $(date -u +%H:%M:%S) $(uptime)"
done
if [[ ${LLAMA:-1} == 1 ]]; then
  $B/llama-batched-bench -m $M -npp 32600 -ntg 32 -npl 8 -t 2 -tb 2 -fa on -pps -kvu -np 8 -c 33100 --swa-full \
    --output-format jsonl > $out/llama-batched-bench.jsonl 2> $out/llama-batched-bench.err
  echo "llama-batched-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
fi
