#!/usr/bin/env bash
# usage: profile-batch.sh OUTDIR TREE [PAGE] [FACTOR]   (gemma11) perf record -F 499 -g of a batch of 8 decoding on one
# 32,600-token document (Quest 2048, pages of PAGE=8, rerank-factor FACTOR=4); the report keeps the last 20 s of
# samples (the decode of 8 x 600 tokens; the prefill runs first); native symbols from the kernel library loaded from
# the tree's build (quest.native.path), Java frames from the JIT's perf map.
set -u
out=$(realpath -m "$1"); tree=$(realpath "$2"); P=${3:-8}; F=${4:-4}; mkdir -p "$out"
lib=$tree/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so
export QUEST_HOME=$tree QUEST_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dquest.native.path=$lib"
echo "start $(date -u +%H:%M:%S) $(git -C $tree rev-parse --short HEAD) $(uptime)"
$tree/bin/quest bench-batch --model $tree/models/gemma-3-270m-q4_k_m.gguf --context 32600 --batch-sizes 8 --decode-tokens 600 \
  --attention quest:2048 --page-size $P --rerank-factor $F --shared-document=true --threads 2 > $out/bench.txt 2> $out/bench.err &
sleep 3
pid=$(pgrep -f "QuestCli bench-batch --model $tree/models" | head -1)
perf record -F 499 -g -p $pid -o $out/perf.data 2> $out/perf-record.err
wait
echo "end $(date -u +%H:%M:%S) $(uptime)"
last=$(perf script -i $out/perf.data -F time 2>/dev/null | tail -1 | tr -d ' :')
from=$(python3 -c "print(f'{$last - 20:.6f}')")
perf report -i $out/perf.data --time $from, --no-children --sort sym --stdio 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -60 > $out/report-sym.txt
perf report -i $out/perf.data --time $from, --no-children --sort tid --stdio 2>/dev/null | grep "%" | head -20 > $out/report-tid.txt
