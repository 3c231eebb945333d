#!/usr/bin/env bash
# usage: [DECODE=N] profile.sh OUTDIR TREE BATCH FACTOR SCORE   (under flock /work/notes/bench.lock, raised)
# perf record -F 999 -g of bench-batch at 32K (quest:2048, pages of 8, one shared document when BATCH > 1) with the
# given rerank; the report keeps the last 20 s of samples (decode; the prefill runs first). After single12's
# profile-single.sh: native symbols from the tree's kernel library, Java frames from the JIT's perf map.
set -u
out=$(realpath -m "$1"); tree=$(realpath "$2"); N=$3; F=$4; S=$5; mkdir -p "$out"
lib=$tree/core-kernel/target/classes/native/linux-x86_64/libquestkernel.so
export QUEST_HOME=$tree QUEST_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dquest.native.path=$lib"
shared=false; [[ $N -gt 1 ]] && shared=true
echo "start $(date -u +%H:%M:%S) $(git -C $tree rev-parse --short HEAD) $(uptime)"
$tree/bin/quest bench-batch --model /work/main/models/gemma-3-270m-q4_k_m.gguf --context 32600 --batch-sizes $N --decode-tokens ${DECODE:-400} \
  --attention quest:2048 --page-size 8 --rerank-factor $F --rerank-score $S --shared-document=$shared --threads 2 > $out/bench.txt 2> $out/bench.err &
sleep 3
pid=$(pgrep -f "QuestCli bench-batch --model /work/main/models/gemma-3-270m-q4_k_m.gguf --context 32600 --batch-sizes $N" | head -1)
perf record -F 999 -g -p $pid -o $out/perf.data 2> $out/perf-record.err
wait
echo "end $(date -u +%H:%M:%S) $(uptime)"
last=$(perf script -i $out/perf.data -F time 2>/dev/null | tail -1 | tr -d ' :')
from=$(python3 -c "print(f'{$last - 20:.6f}')")
perf report -i $out/perf.data --time $from, --no-children --sort sym --stdio 2>/dev/null | grep -v "^$" | grep -v "^#" | grep "%" | head -40 > $out/report-sym.txt
rm -f $out/perf.data
