#!/bin/bash
# harness-tiles.sh: bench/attention-walk/gemma.c (Gemma 3's shape, see its header) built three ways and alternated:
# A = main's kernel sources (cd2f1e2), h16 = main with tile16.patch (beside this script: tiles of 16 tokens at head
# dims above 128), h32 = the same with -DQK_WIDE_HEAD_TILE=32 (main's tiles through the patched code). Mode 0 windows
# in cache, mode 1 Quest in L3 (1 slab) and streamed (4 slabs, 133 MB). Built by hbuild.sh SRC OUT [CFLAGS] (beside it)
# (build.sh's compile of every kernel source but the JNI ones, plus the flags, linked with gemma.c).
for r in 1 2 3; do
  for cfg in "0 40 1" "1 10 1" "1 10 4"; do
    set -- $cfg
    for h in hA h32 h16; do echo "round $r $h slabs $3: $(/tmp/b14-$h $1 $2 $3)"; done
  done
done
