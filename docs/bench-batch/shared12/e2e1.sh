#!/bin/bash
# e2e1.sh OUT: one locked run: shared document A B A B (main cd2f1e2 = A, this branch = B), then llama-batched-bench -pps.
out=$1; mkdir -p $out
echo "start $(uptime)" > $out/e2e-load.txt
/tmp/s12/ab.sh $out/ab-shared true quest:1024 2 2 AB
echo "after ours $(uptime)" >> $out/e2e-load.txt
bin="$(/work/wt/shared12/bench/llamacpp-src/build.sh)"
"$bin/llama-batched-bench" -m /work/main/models/SmolLM2-135M-Instruct.Q4_1.gguf -npp 7000 -ntg 64 -npl 1,8 -t 2 -tb 2 -fa on \
  -pps -kvu -np 8 -c $((7000 + 8 * 72 + 64)) --output-format jsonl > $out/llamacpp-shared.jsonl 2> $out/llamacpp-shared.err
echo "end $(uptime)" >> $out/e2e-load.txt
