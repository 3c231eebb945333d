#!/usr/bin/env bash
# Aggregate decode throughput of batched decoding, this engine (dense and Quest) beside llama.cpp built from source,
# on the same GGUF, threads and depth, one case per call, back to back in one run:
#   bench/batched-bench.sh OUT_DIR shared|separate [CONTEXT] [BATCH_SIZES]
# shared:   every sequence continues one CONTEXT-token document (llama-batched-bench -pps: the prompt is shared);
# separate: every sequence has its own CONTEXT-token document.
# Writes OUT_DIR/llamacpp-CASE.jsonl, OUT_DIR/ours-CASE.md (table with ratios) and
# OUT_DIR/batch-CASE.png (aggregate tok/s against batch size: dense, Quest, llama.cpp). Environment: THREADS (2),
# DECODE (64), BUDGET (1024), MODEL (models/SmolLM2-135M-Instruct.Q4_1.gguf), QUEST_JAVA_OPTS (e.g. -Xmx8g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: bench/batched-bench.sh OUT_DIR shared|separate [CONTEXT] [BATCH_SIZES]}"
case_name="${2:?shared or separate}"
context="${3:-7000}"
sizes="${4:-1,2,4,8,16}"
threads="${THREADS:-2}"
decode="${DECODE:-64}"
budget="${BUDGET:-1024}"
model="${MODEL:-$here/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
most="${sizes##*,}"
mkdir -p "$out"
bin="$("$here/bench/llamacpp-src/build.sh")"

if [[ "$case_name" == shared ]]; then
  shared=true
  llama_args=(-pps -kvu -np "$most" -c $((context + most * (decode + 8) + 64)))
else
  shared=false
  llama_args=(-kvu -np "$most" -c $(((context + decode + 8) * most + 64)))
fi
echo "llama.cpp: llama-batched-bench -npp $context -ntg $decode -npl $sizes -t $threads -fa on ${llama_args[*]}" >&2
"$bin/llama-batched-bench" -m "$model" -npp "$context" -ntg "$decode" -npl "$sizes" -t "$threads" -tb "$threads" -fa on \
  "${llama_args[@]}" --output-format jsonl > "$out/llamacpp-$case_name.jsonl"

echo "ours: bin/quest bench-batch --context $context --batch-sizes $sizes --attention dense,quest:$budget --shared-document=$shared" >&2
ours=("$here/bin/quest" bench-batch --model "$model" --context "$context" --batch-sizes "$sizes" --attention "dense,quest:$budget"
  --shared-document="$shared" --decode-tokens "$decode" --threads "$threads" --llamacpp "$out/llamacpp-$case_name.jsonl")
"${ours[@]}" --chart "$out/batch-$case_name.png" | tee "$out/ours-$case_name.md"
