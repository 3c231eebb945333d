#!/bin/bash
# ab.sh OUTDIR SHARED(true|false) ATTN THREADS PAIRS ORDER(AB|BA) [BATCHES]: main's build (A, /tmp/shared12-base) and
# this branch's (B, /work/wt/shared12) alternating, bench-batch --json each; tok/s and the stepping thread's CPU ms per step.
out=$1; shared=$2; attn=$3; th=$4; pairs=${5:-2}; order=${6:-AB}; batches=${7:-1,8}
mkdir -p $out
for i in $(seq 1 $pairs); do
  for b in $(echo $order | grep -o .); do
    dir=$([ $b = A ] && echo /tmp/shared12-base || echo /work/wt/shared12)
    echo "$b pair $i $(uptime)" >> $out/load.txt
    (cd $dir && bin/quest bench-batch --context 7000 --batch-sizes $batches --decode-tokens 64 --threads $th --attention $attn \
        --shared-document=$shared --json 2>/dev/null) > $out/$b-$i.json
    python3 -c "
import json
d=json.load(open('$out/$b-$i.json'))
print('$b', $i, ' '.join('%s/b%d: %.1f tok/s (%.2f cpu-ms)'%(r['attention'],r['batch_size'],r['aggregate_decode_tokens_per_s'],r['decode_cpu_ms_per_step']) for r in d['results']))" | tee -a $out/summary.txt
  done
done
echo "end $(uptime)" >> $out/load.txt
