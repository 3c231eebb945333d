#!/usr/bin/env bash
# Gemma 32K batch of 8 on one document: the head sketch at 8 rows (build fe89ba8, /tmp/final-src) on and off.
set -u
out="${1:?out}"; mkdir -p "$out"; cd /tmp/final-src
echo "start: $(uptime)" > "$out/load.txt"
for r in ${ORDER:-on off}; do
  opts=""; [ $r = off ] && opts="-Dquest.head.sketch=false"
  QUEST_JAVA_OPTS="$opts" bin/quest bench-batch --model models/gemma-3-270m-q4_k_m.gguf --context 32600 --batch-sizes 8 \
    --decode-tokens 32 --attention quest:2048 --page-size 8 --shared-document=true --threads 2 --json > "$out/batch8-$r.json" 2> "$out/batch8-$r.err"
  echo "$r done: $(uptime)" >> "$out/load.txt"
done
