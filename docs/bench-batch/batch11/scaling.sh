#!/bin/bash
# scaling.sh OUTDIR DIR SHARED(true|false) THREADS...: Quest 1024 batch 1 and 8 at each thread count, one build.
out=$1; dir=$2; shared=$3; shift 3
mkdir -p $out
for th in "$@"; do
  echo "t$th $(uptime)" >> $out/load.txt
  (cd $dir && bin/quest bench-batch --context 7000 --batch-sizes 1,8 --decode-tokens 64 --threads $th \
      --attention quest:1024 --shared-document=$shared --json 2>/dev/null) > $out/$shared-t$th.json
  python3 -c "
import json
d=json.load(open('$out/$shared-t$th.json'))
print('shared=$shared t$th', ' '.join('b%d: %.1f tok/s (%.2f cpu-ms)'%(r['batch_size'],r['aggregate_decode_tokens_per_s'],r['decode_cpu_ms_per_step']) for r in d['results']))" | tee -a $out/summary.txt
done
echo "end $(uptime)" >> $out/load.txt
