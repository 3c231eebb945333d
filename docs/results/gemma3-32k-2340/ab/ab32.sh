#!/usr/bin/env bash
# 32K Gemma A/B: session start (75c8675 = e4a3378's code for these flags, /tmp/grid-src) vs main e6c07bf (/tmp/final-src).
# A: git clone of main 75c8675 into /tmp/grid-src, B: of main e6c07bf into /tmp/final-src, each built with
# mvn -B -q -DskipTests package -pl jobs -am and models/ linked; run under flock on the bench lock, session raised.
set -u
out=$(realpath -m "${1:?out dir}"); mkdir -p $out
M=models/gemma-3-270m-q4_k_m.gguf
for round in 1; do
for side in A B; do
  src=/tmp/grid-src; [ $side = B ] && src=/tmp/final-src
  cd $src
  bin/quest bench-batch --model $M --context 32600 --batch-sizes 8 --decode-tokens 32 --attention quest:2048 --page-size 8 \
    --rerank-factor 4 --shared-document=true --threads 2 > $out/batch-$side.txt 2> $out/batch-$side.err
  echo "batch $side $(date -u +%T) $(uptime)" >> $out/load.txt
done
for side in B A; do
  src=/tmp/grid-src; [ $side = B ] && src=/tmp/final-src
  cd $src
  bin/quest bench-batch --model $M --context 32700 --batch-sizes 1 --decode-tokens 64 --attention quest:2048 --page-size 8 \
    --rerank-factor 4 --threads 2 > $out/single-$side.txt 2> $out/single-$side.err
  echo "single $side $(date -u +%T) $(uptime)" >> $out/load.txt
done
done
