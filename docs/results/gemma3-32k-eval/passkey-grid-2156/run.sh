#!/usr/bin/env bash
# Issue 14 passkey grid at 32K (20 trials): head-relative rerank variants, one dense prefill per cell.
set -u
cd /tmp/grid-src
V='page-size=8,rerank-factor=4;page-size=8,rerank-factor=16,rerank-score=head-relative;page-size=8,rerank-factor=8,rerank-score=head-relative;page-size=16,rerank-factor=16,rerank-score=head-relative;page-size=16,rerank-factor=8,rerank-score=head-relative'
for seed in 2024 7; do
  out=/work/notes/runs/grid12/seed$seed
  echo "seed $seed start $(date -u +%T) $(uptime)" >> /work/notes/runs/grid12/times.txt
  QUEST_JAVA_OPTS=-Dquest.kv.window-ring=false bin/quest eval --model models/gemma-3-270m-q4_k_m.gguf --sections passkey \
    --lengths 32768 --depths 0.95,0.85,0.75,0.65,0.55,0.45,0.35,0.25,0.15,0.05 --trials 1 --answer-tokens 16 \
    --budgets 2048 --page-sizes 8 --threads 2 --paper-budgets none --adaptive-budgets none \
    --variants "$V" --seed $seed --docs $out > $out.log 2>&1
  echo "seed $seed end $(date -u +%T) rc=$? $(uptime)" >> /work/notes/runs/grid12/times.txt
done
