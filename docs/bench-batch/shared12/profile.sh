#!/bin/bash
# profile.sh OUT DIR SHARED TOKENS DELAY: perf record -F 499 -g of a batch-8 Quest 1024 decode at 2 threads, DELAY s in
# (past the prefills), 25 s; JIT frames named by -XX:+DumpPerfMapAtExit.
out=$1; dir=$2; shared=$3; tokens=$4; delay=$5
mkdir -p $(dirname $out)
echo "# uptime: $(uptime)" > $out.txt
cd $dir
QUEST_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" bin/quest bench-batch --context 7000 \
  --batch-sizes 8 --decode-tokens $tokens --threads 2 --attention quest:1024 --shared-document=$shared --json > $out.json 2>/dev/null &
sleep $delay
pid=$(pgrep -f "QuestCli bench-batch.*shared-document=$shared" | head -1)
perf record -F 499 -g -o $out.data -p $pid -- sleep 20 2>/dev/null
wait
echo "# uptime: $(uptime)" >> $out.txt
cat $out.json >> $out.txt
perf report -i $out.data --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^$' | grep '%' | head -60 >> $out.txt
perf report -i $out.data --no-children --sort tid --stdio 2>/dev/null | grep '%' | head -10 >> $out.txt
