#!/bin/bash
# e2e3.sh OUT: one locked run: eight documents B A (dense and Quest 1024, batch 1 and 8).
out=$1; mkdir -p $out
echo "start $(uptime)" > $out/e2e-load.txt
/tmp/s12/ab.sh $out/ab-sep false dense,quest:1024 2 1 BA
echo "end $(uptime)" >> $out/e2e-load.txt
