#!/usr/bin/env bash
# Issue 14's passkey at 4K, 8K and 16K: 10 depths x 2 seeds = 20 trials per length, dense vs Quest budgets 256..4096
# at pages of 8 and 16, plus pages of 8 with dense-layers 6 (the 32K quality setting). Clean clone /tmp/final-src (main).
set -u
out=${1:?out}; mkdir -p $out
cd /tmp/final-src
git log --oneline -1 > $out/commit.txt
for seed in 2024; do   # seed 7: the same command with --seed 7, --lengths 4096,8192 then 16384
  echo "seed $seed start $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
  QUEST_JAVA_OPTS=-Dquest.kv.window-ring=false bin/quest eval --model models/gemma-3-270m-q4_k_m.gguf --sections passkey \
    --lengths 4096,8192,16384 --depths 0.95,0.85,0.75,0.65,0.55,0.45,0.35,0.25,0.15,0.05 --trials 1 --answer-tokens 16 \
    --budgets 256,512,1024,2048,4096 --page-sizes 8,16 --threads 2 --paper-budgets none --adaptive-budgets none \
    --variants 'page-size=8,dense-layers=6' --seed $seed --docs $out/seed-$seed > $out/seed-$seed.log 2>&1
  echo "seed $seed exit $? $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
