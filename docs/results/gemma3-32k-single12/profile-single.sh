#!/usr/bin/env bash
# usage: profile-single.sh OUTDIR TREE [CONTEXT] [ATTENTION]   (single12) perf record -F 999 -g of one sequence decoding
# at CONTEXT=31200 tokens (31,200 + 1,500 decoded fit the 32,768-token context; at 32,700 bench-batch stops after 68) (ATTENTION=quest:2048, pages of 8, Gemma's default rerank 4); the report keeps the last 20 s
# of samples (decode; the prefill runs first); native symbols from the tree's kernel library, Java frames from the
# JIT's perf map.
set -u
out=$(realpath -m "$1"); tree=$(realpath "$2"); C=${3:-31200}; A=${4:-quest:2048}; mkdir -p "$out"
lib=$tree/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so
export QUEST_HOME=$tree QUEST_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dquest.native.path=$lib"
echo "start $(date -u +%H:%M:%S) $(git -C $tree rev-parse --short HEAD) $(uptime)"
$tree/bin/quest bench-batch --model $tree/models/gemma-3-270m-q4_k_m.gguf --context $C --batch-sizes 1 --decode-tokens 1500 \
  --attention $A --page-size 8 --threads 2 > $out/bench.txt 2> $out/bench.err &
sleep 3
pid=$(pgrep -f "QuestCli bench-batch --model $tree/models" | head -1)
perf record -F 999 -g -p $pid -o $out/perf.data 2> $out/perf-record.err
wait
echo "end $(date -u +%H:%M:%S) $(uptime)"
last=$(perf script -i $out/perf.data -F time 2>/dev/null | tail -1 | tr -d ' :')
from=$(python3 -c "print(f'{$last - 20:.6f}')")
perf report -i $out/perf.data --time $from, --no-children --sort sym --stdio 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -60 > $out/report-sym.txt
perf report -i $out/perf.data --time $from, --no-children --sort tid,sym --stdio 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -60 > $out/report-tid-sym.txt
