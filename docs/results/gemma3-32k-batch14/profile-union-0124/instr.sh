#!/bin/bash
out=$1; tree=$2
M=/work/main/models/gemma-3-270m-q4_k_m.gguf
echo "instr start $(date -u +%H:%M:%S) $(uptime)"
(cd $tree && QUEST_JAVA_OPTS="-Dquest.instr=true -Dquest.instr.ms=3000" bin/quest bench-batch --model $M --context 32400 --batch-sizes 8 --decode-tokens 256 --attention quest:2048 --page-size 8 --shared-document=true --threads 2 > $out.txt 2> $out.err)
echo "instr end $(date -u +%H:%M:%S) $(uptime)"
