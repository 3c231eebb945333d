#!/bin/bash
# e2e2.sh OUT: one locked run: single Quest B A B A (batch 1 only, shared document), then eight documents A B
# (dense and Quest 1024, batch 1 and 8).
out=$1; mkdir -p $out
echo "start $(uptime)" > $out/e2e-load.txt
/tmp/s12/ab.sh $out/ab-single true quest:1024 2 2 BA 1
echo "after single $(uptime)" >> $out/e2e-load.txt
/tmp/s12/ab.sh $out/ab-sep false dense,quest:1024 2 1 AB
echo "end $(uptime)" >> $out/e2e-load.txt
