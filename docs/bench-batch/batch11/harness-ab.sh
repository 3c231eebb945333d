#!/bin/bash
# harness-ab.sh: the scoring harness (main vs the narrow path) and the attention-walk harness (this branch vs
# batch10's dot_block_h3-by-halves patch on it), alternating, one thread each, under the bench lock.
s=/tmp/b11/score; h=/tmp/b11/h3
echo "# $(uptime)"
for i in 1 2 3; do
  echo "score main      : $($s/base 3 3 5 84 $s/b.bin)"
  echo "score narrow    : $($s/new 3 3 5 84 $s/n.bin)"
  echo "score main  L2  : $($s/base 3 3 20 1 $s/b.bin)"
  echo "score narrow L2 : $($s/new 3 3 20 1 $s/n.bin)"
done
for i in 1 2 3; do
  for m in 1 3; do
    echo "walk mode $m branch: $(cd $h/n && ../walk-new $m 3 90 | tr '\n' ' ')"
    echo "walk mode $m h3    : $(cd $h/h && ../walk-h3 $m 3 90 | tr '\n' ' ')"
  done
done
echo "# $(uptime)"
