#!/usr/bin/env bash
# usage: profile-decode.sh OUTDIR TREE INSTR_TREE   (under flock /work/notes/bench.lock, raised)
# Where the batch-8 step on one Gemma document of CONTEXT=32400 tokens goes, decode only: 8 forks decode DECODE=256
# tokens each (32,400 + 256 + 64 fit the 32,768-token context; at 32,600 only 104 would), one setting.
# 1. INSTR_TREE (TREE with batch11's parallel-section-timers.patch applied) with -Dquest.instr=true: per-section wall
#    time, snapshots every 3 s; instrsteps.py diffs the first snapshot after the "Warmed up" log line and the last.
# 2. TREE under perf record -F 999 -g, attached when the log says "Warmed up" (the prefill is over), for 12 s;
#    native symbols from the tree's kernel library, Java frames from the JIT's perf map.
set -u
out=$(realpath -m "$1"); tree=$(realpath "$2"); itree=$(realpath "$3"); mkdir -p "$out"
M=/work/main/models/gemma-3-270m-q4_k_m.gguf
args=(bench-batch --model $M --context ${CONTEXT:-32400} --batch-sizes 8 --decode-tokens ${DECODE:-256}
  --attention quest:2048 --page-size 8 --shared-document=true --threads 2)
echo "instr start $(date -u +%H:%M:%S) $(uptime)"
(cd $itree && QUEST_JAVA_OPTS="-Dquest.instr=true -Dquest.instr.ms=3000" bin/quest "${args[@]}" > $out/instr-bench.txt 2> $out/instr.err)
echo "instr end $(date -u +%H:%M:%S) $(uptime)"
lib=$tree/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so
export QUEST_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dquest.native.path=$lib"
(cd $tree && exec bin/quest "${args[@]}" > $out/perf-bench.txt 2> $out/perf-bench.err) &
until grep -q "Warmed up" $out/perf-bench.err 2>/dev/null; do sleep 0.2; done
pid=$(pgrep -f "QuestCli bench-batch --model $M --context" | head -1)
echo "perf attach $(date -u +%H:%M:%S) pid $pid $(uptime)"
perf record -F 999 -g -p $pid -o $out/perf.data -- sleep 12 2> $out/perf-record.err
wait
echo "perf end $(date -u +%H:%M:%S) $(uptime)"
perf report -i $out/perf.data --no-children --sort sym --stdio 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -50 > $out/report-sym.txt
perf report -i $out/perf.data --children --sort sym --stdio -g none 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -80 > $out/report-children.txt
