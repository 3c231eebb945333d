#!/bin/bash
# e2e.sh: one locked run, main (A, /tmp/batch12-base) and this branch (B) alternating: shared document A B A B
# (Quest 1024), then eight documents A B (dense and Quest 1024); uptime before and after each in load.txt.
cd "$(dirname "$0")"
uptime > e2e-load.txt
./ab.sh ab-shared true quest:1024 2 2 AB
./ab.sh ab-sep false dense,quest:1024 2 1 AB
uptime >> e2e-load.txt
