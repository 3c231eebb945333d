#!/usr/bin/env bash
# usage: ab.sh OUTDIR BASE_TREE NEW_TREE PLAN   (single14, under flock /work/notes/bench.lock, session raised)
# PLAN: space-separated runs, each TREE:SETTING with TREE base|new and SETTING def (Gemma's default rerank 4),
# r0 (--rerank-factor 0), smol (SmolLM2 at 7K, Quest 1024) or llama (llama-bench -d 32768 on the Gemma GGUF).
# Gemma runs: bench-batch --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8
# --threads 2. The new tree's runs log the head sketch's candidate count per step (HeadSketch at debug) to .err.
set -u
out=$(realpath -m "$1"); base=$(realpath "$2"); new=$(realpath "$3"); plan=$4; mkdir -p "$out"
B=~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp/build/bin
here=$(dirname "$(realpath "$0")")
echo "start $(date -u +%H:%M:%S) base $(git -C $base rev-parse --short HEAD) new $(git -C $new rev-parse --short HEAD) $(uptime)"
for run in $plan; do
  t=${run%%:*}; s=${run#*:}; tree=$base; opts=""
  if [[ $t == new ]]; then tree=$new; opts="-Dlog4j2.configurationFile=$here/log4j2-sketch-debug.properties"; fi
  f=$out/$t-$s-$(date -u +%H%M%S)
  case $s in
    def|r0)
      extra=""; [[ $s == r0 ]] && extra="--rerank-factor 0"
      QUEST_HOME=$tree QUEST_JAVA_OPTS="$opts" $tree/bin/quest bench-batch --model $tree/models/gemma-3-270m-q4_k_m.gguf \
        --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 --threads 2 $extra \
        > $f.txt 2> $f.err
      echo "$t $s: $(grep '| Quest' $f.txt | awk -F'|' '{print $4}') tok/s  $(date -u +%H:%M:%S) $(uptime)";;
    smol)
      QUEST_HOME=$tree QUEST_JAVA_OPTS="$opts" $tree/bin/quest bench-batch --context 7000 --batch-sizes 1 --decode-tokens 64 \
        --attention quest:1024 --threads 2 > $f.txt 2> $f.err
      echo "$t $s: $(grep '| Quest' $f.txt | awk -F'|' '{print $4}') tok/s  $(date -u +%H:%M:%S) $(uptime)";;
    llama)
      $B/llama-bench -m $tree/models/gemma-3-270m-q4_k_m.gguf -t 2 -p 0 -n 32 -d 32768 -r 1 -fa 1 -o jsonl > $f.jsonl 2> $f.err
      echo "llama-bench -d 32768: $(python3 -c "import json;print(round(json.loads(open('$f.jsonl').readline())['avg_ts'],1))") tok/s  $(date -u +%H:%M:%S) $(uptime)";;
  esac
done
