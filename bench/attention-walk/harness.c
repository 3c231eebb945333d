/*
 * attention-walk harness: the kernel's own qk_attn_pages_multi over one batched decode step's attention in
 * SmolLM2-135M's shape (8 sequences x 3 query rows per KV head, head dim 64, pages of 8, 7,000-token caches), one
 * call per (layer, KV head) over SLABS slabs, so the KV streams from memory as in the model (90 slabs: 320 MB).
 * Usage: harness MODE [ROUNDS [SLABS]]; MODE 0 dense over forks of one document, 1 Quest (128 pages each, partly
 * overlapping) over forks of one document, 2 dense over a document each, 3 Quest over a document each. Prints the
 * best and mean wall time and the best thread CPU time per call over the rounds and a checksum of one call's
 * states (equal checksums: the same bits; the states are also written to out-MODE.bin for cmp). QUEST_KERNEL_ISA=avx2|scalar lowers the ISA.
 * Build: bench/attention-walk/build.sh core-kernel/src/main/c OUT (after mvn package has generated the JNI headers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "questkernel.h"
#define D 64
#define P 8
#define TOK 7000
#define SEQ 8
#define ROWS 3
static int SLABS = 90;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static uint32_t rs = 12345;
static float rnd(void) { rs = rs * 1664525u + 1013904223u; return ((rs >> 8) / 16777216.0f) * 2 - 1; }
int main(int argc, char **argv) {
    int mode = argc > 1 ? atoi(argv[1]) : 0; int quest = mode & 1; int separate = mode >= 2;
    int iters = argc > 2 ? atoi(argv[2]) : 5; if (argc > 3) SLABS = atoi(argv[3]);
    int pages = TOK / P;
    size_t slab = (size_t) TOK * D;
    uint16_t *keys = aligned_alloc(64, slab * SLABS * 2), *vals = aligned_alloc(64, slab * SLABS * 2);
    uint16_t *bounds = aligned_alloc(64, (size_t) pages * 2 * D * 2 * SLABS);
    for (size_t i = 0; i < slab * SLABS; i++) { keys[i] = qk_fp32_to_fp16(rnd()); vals[i] = qk_fp32_to_fp16(rnd()); }
    memset(bounds, 0, (size_t) pages * 2 * D * 2 * SLABS);
    float q[SEQ][ROWS * D];
    for (int s = 0; s < SEQ; s++) for (int i = 0; i < ROWS * D; i++) q[s][i] = rnd();
    static float state[SEQ][ROWS * (D + 2)], ref[SEQ][ROWS * (D + 2)];
    int32_t ids[SEQ][128];
    int count = quest ? 128 : pages;
    for (int s = 0; s < SEQ; s++) {
        /* pages 0..63 of a common pool of 192 picks plus own random ones, sorted */
        unsigned char ch[875] = {0};
        int n = 0;
        while (n < 128) {
            int pg = (rnd() * 0.5f + 0.5f) * (n < 80 ? 300 : pages);
            if (pg < 0) pg = 0;
            if (pg >= pages) pg = pages - 1;
            if (!ch[pg]) { ch[pg] = 1; n++; }
        }
        n = 0;
        for (int pg = 0; pg < pages; pg++) if (ch[pg]) ids[s][n++] = pg;
    }
    double best = 1e9, sum = 0, best_cpu = 1e9;
    int total_calls = 0;
    for (int it = 0; it < iters; it++) {
        double t0 = now(), c0 = cpu();
        for (int L = 0; L < SLABS; L++) {
            qk_attn_seq seqs[SEQ];
            for (int s = 0; s < SEQ; s++) {
                int sl = separate ? (L * SEQ + s) % SLABS : L;
                qk_kv kv = {keys + sl * slab, vals + sl * slab, bounds, keys + sl * slab, vals + sl * slab, bounds, separate ? 0 : pages};
                seqs[s] = (qk_attn_seq) {kv, quest ? ids[s] : NULL, 0, count, TOK, ROWS, q[s], state[s]};
            }
            qk_attn_pages_multi(seqs, SEQ, D, P, 0.125f);
            if (L == (SLABS > 7 ? 7 : 0) && it == 0) memcpy(ref, state, sizeof state);
        }
        double t = (now() - t0) / SLABS * 1e6, c = (cpu() - c0) / SLABS * 1e6;
        best_cpu = c < best_cpu ? c : best_cpu;
        best = t < best ? t : best;
        sum += t;
        total_calls++;
    }
    double cs = 0;
    for (int s = 0; s < SEQ; s++) for (int i = 0; i < ROWS * (D + 2); i++) cs += ref[s][i] * (i + 1) * (s + 1);
    printf("%s%s: best %.1f us per call (8 seqs x 3 rows), mean %.1f, best cpu %.1f, checksum %.9g\n", separate ? "separate " : "shared ", quest ? "quest" : "dense", best, sum / total_calls, best_cpu, cs);
    FILE *f = fopen(mode == 0 ? "out-0.bin" : mode == 1 ? "out-1.bin" : mode == 2 ? "out-2.bin" : "out-3.bin", "wb");
    fwrite(ref, sizeof ref, 1, f);
    fclose(f);
    return 0;
}
