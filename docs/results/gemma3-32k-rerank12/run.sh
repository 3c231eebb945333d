#!/usr/bin/env bash
# usage: run.sh single|batch OUTDIR TREE[@16]...   (under flock /work/notes/bench.lock, raised)
# rerank12's 32K decode beside llama.cpp: for each built tree, Quest 2048 at pages of 8 with Gemma's default
# (rerank-factor 4, max) and with rerank-factor 16, head-relative; llama-bench -d 32768 (single) or
# llama-batched-bench's batch of 8 on one document (-pps, --swa-full) first, as in gemma3-32k-rerank/run-32k.sh.
set -u
echo -20 > /proc/self/autogroup 2>/dev/null || echo "autogroup not raised"
what=$1; out=$(realpath -m "$2"); shift 2
mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
M=/work/main/models/gemma-3-270m-q4_k_m.gguf
echo "$what start $(date -u +%H:%M:%S) $(uptime)"
if [[ $what == single ]]; then
  $B/llama-bench -m $M -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $out/llama-bench-d32768.jsonl 2> $out/llama-bench-d32768.err
  echo "llama-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  llama=""; size=1; ctx=32700; n=64; shared=false
else
  $B/llama-batched-bench -m $M -npp 32700 -ntg 32 -npl 8 -t 2 -tb 2 -fa on -pps -kvu -np 8 -c 33100 --swa-full --output-format jsonl \
    > $out/llama-batched-bench.jsonl 2> $out/llama-batched-bench.err
  echo "llama-batched-bench exit $? $(date -u +%H:%M:%S) $(uptime)"
  llama="--llamacpp $out/llama-batched-bench.jsonl"; size=1,8; ctx=32600; n=32; shared=true
  [[ ${BATCH_ONLY:-0} == 1 ]] && size=8
fi
for arg in "$@"; do  # TREE, or TREE@16 for rerank-factor 16 head-relative only
  tree=${arg%@16}; name=$(basename "$tree")
  settings=("4 max" "16 head-relative"); [[ $arg == *@16 ]] && settings=("16 head-relative")
  for s in "${settings[@]}"; do
    set -- $s
    f=$out/ours-$what-$name-f$1-$2
    (cd "$tree" && echo "commit $(git rev-parse --short HEAD)" > $f.txt && bin/quest bench-batch --model $M --context $ctx \
      --batch-sizes $size --decode-tokens $n --attention quest:2048 --page-size 8 --rerank-factor $1 --rerank-score $2 \
      --shared-document=$shared --threads 2 $llama >> $f.txt 2> $f.err)
    echo "$name f$1 $2 exit $? $(date -u +%H:%M:%S) $(uptime)"
  done
done
