#!/usr/bin/env bash
# usage: ab-32k.sh OUTDIR BASE_TREE NEW_TREE [ROUNDS]   (single12, under flock /work/notes/bench.lock)
# 32K single-sequence decode, Gemma's defaults (Quest 2048, pages of 8, rerank 4), builds alternated (base, new) for
# ROUNDS=2 rounds, then llama-bench -d 32768 on the same GGUF and threads.
set -u
out=$(realpath -m "$1"); base=$(realpath "$2"); new=$(realpath "$3"); R=${4:-2}; mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
echo "start $(date -u +%H:%M:%S) base $(git -C $base rev-parse --short HEAD) new $(git -C $new rev-parse --short HEAD) $(uptime)"
for r in $(seq 1 $R); do
  for t in base new; do
    tree=$base; [[ $t == new ]] && tree=$new
    QUEST_HOME=$tree $tree/bin/quest bench-batch --model $tree/models/gemma-3-270m-q4_k_m.gguf --context 32700 --batch-sizes 1 \
      --decode-tokens 64 --attention quest:2048 --page-size 8 --threads 2 > $out/$t-r$r.txt 2> $out/$t-r$r.err
    echo "$t round $r: $(grep '| Quest' $out/$t-r$r.txt | awk -F'|' '{print $4}') tok/s  $(date -u +%H:%M:%S) $(uptime)"
  done
done
$B/llama-bench -m $tree/models/gemma-3-270m-q4_k_m.gguf -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $out/llama-bench-d32768.jsonl 2> $out/llama-bench.err
echo "llama-bench: $(python3 -c "import json;print(round(json.loads(open('$out/llama-bench-d32768.jsonl').readline())['avg_ts'],1))") tok/s  $(date -u +%H:%M:%S) $(uptime)"
