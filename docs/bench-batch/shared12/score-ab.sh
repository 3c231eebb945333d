#!/bin/bash
cd /tmp/s12
echo "# $(uptime)"
for i in 1 2 3 4; do
  echo -n "old: "; ./score-old 24 3 5 400 /tmp/s12/so.bin
  echo -n "new: "; ./score-new 24 3 5 400 /tmp/s12/sn.bin
done
for i in 1 2; do
  echo -n "old in cache: "; ./score-old 24 3 20 1 /tmp/s12/so1.bin
  echo -n "new in cache: "; ./score-new 24 3 20 1 /tmp/s12/sn1.bin
done
cmp so.bin sn.bin && cmp so1.bin sn1.bin && echo "score files equal (cmp)"
echo "# $(uptime)"
