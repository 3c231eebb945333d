#!/bin/bash
# pair-harness.sh: the attention-walk harness (mode 1: 8 forks' Quest call, 3 rounds of 90 slabs) and the scoring
# harness, one copy alone on cpu 0, then two copies at once (cpu 0 and cpu 1): does a unit of the batched step get
# slower when the other core runs the same kind of work?
h=/tmp/b11/h3; s=/tmp/b11/score
echo "# $(uptime)"
for r in 1 2; do
  for m in 1 3; do
    echo "walk mode $m alone: $(cd $h/n && taskset -c 0 ../walk-new $m 3 90 | tr '\n' ' ')"
    (cd $h/n && taskset -c 0 ../walk-new $m 3 90 > /tmp/b11/pa.txt) & (cd $h/h && taskset -c 1 ../walk-h3 $m 3 90 > /tmp/b11/pb.txt); wait
    echo "walk mode $m two at once: $(tr '\n' ' ' < /tmp/b11/pa.txt) | $(tr '\n' ' ' < /tmp/b11/pb.txt)"
  done
  echo "score alone: $(taskset -c 0 $s/new2 3 3 5 84 $s/n.bin)"
  taskset -c 0 $s/new2 3 3 5 84 $s/n.bin > /tmp/b11/pa.txt & taskset -c 1 $s/new 3 3 5 84 $s/b.bin > /tmp/b11/pb.txt; wait
  echo "score two at once: $(cat /tmp/b11/pa.txt) | $(cat /tmp/b11/pb.txt)"
done
echo "# $(uptime)"
