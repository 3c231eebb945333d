#!/bin/bash
# narrow-ab.sh: score_rows with 3 rows (score_narrow, a single sequence's or a fork's own scoring), main (old) vs this
# branch (new), 400 slabs streamed and 1 in cache, alternating.
cd /tmp/s12
echo "# $(uptime)"
for i in 1 2 3; do
  echo -n "old: "; ./score-old 3 3 5 400 /tmp/s12/no.bin
  echo -n "new: "; ./score-narrow 3 3 5 400 /tmp/s12/nn.bin
done
for i in 1 2; do
  echo -n "old in cache: "; ./score-old 3 3 20 1 /tmp/s12/no1.bin
  echo -n "new in cache: "; ./score-narrow 3 3 20 1 /tmp/s12/nn1.bin
done
cmp no.bin nn.bin && cmp no1.bin nn1.bin && echo "score files equal (cmp)"
echo "# $(uptime)"
