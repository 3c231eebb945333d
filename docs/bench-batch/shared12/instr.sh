#!/bin/bash
# instr.sh OUT DIR SHARED THREADS TOKENS
out=$1; dir=$2; shared=$3; th=$4; tokens=$5
echo "# $(uptime)" > $out
(cd $dir && QUEST_JAVA_OPTS="-Dquest.instr=true -Dquest.instr.ms=5000" bin/quest bench-batch --context 7000 --batch-sizes 8 \
  --decode-tokens $tokens --threads $th --attention quest:1024 --shared-document=$shared --json 2>&1) >> $out
echo "# $(uptime)" >> $out
