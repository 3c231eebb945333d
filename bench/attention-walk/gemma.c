/*
 * attention-walk harness in Gemma 3 270M's shape (one KV head, 4 query rows, head dim 256, pages of 8): the two
 * kinds of attention call of a batch-8 decode step on forks of one 32,600-token document, through the kernel's own
 * entry points. Mode 0: a sliding-window row, 8 forks each attending its own 512-token window as two qk_attn_pages
 * calls of 32 pages (as WindowAttention's halves). Mode 1: a global layer's Quest pass, qk_attn_pages_multi over the
 * 8 forks' 256 selected pages each (a common pool of picks plus their own). One call per slab (SLABS slabs of
 * 33 MB stream from memory; 1 stays in L3 for the windows). Usage: gemma MODE [ROUNDS [SLABS]]; prints the best
 * wall and thread CPU time per call over the rounds and a checksum of the states (equal: the same bits).
 * Build: HARNESS=gemma.c bench/attention-walk/build.sh core-kernel/src/main/c OUT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "questkernel.h"
#define D 256
#define P 8
#define TOK 32600
#define SEQ 8
#define ROWS 4
#define PICKS 256
#define WINDOW 512
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static uint32_t rs = 12345;
static float rnd(void) { rs = rs * 1664525u + 1013904223u; return ((rs >> 8) / 16777216.0f) * 2 - 1; }
static float q[SEQ][ROWS * D], state[SEQ][2][ROWS * (D + 2)], ref[SEQ][2][ROWS * (D + 2)];
static int32_t ids[SEQ][PICKS];

/* Each fork's sorted picks: the first 160 from a common region of 1,200 pages, the rest anywhere. */
static void picks(int pages) {
    static unsigned char ch[TOK / P + 1];
    for (int s = 0; s < SEQ; s++) {
        memset(ch, 0, sizeof ch);
        for (int n = 0; n < PICKS;) {
            int pg = (int) ((rnd() * 0.5f + 0.5f) * (n < 160 ? 1200 : pages));
            pg = pg < 0 ? 0 : pg >= pages ? pages - 1 : pg;
            if (!ch[pg]) ch[pg] = 1, n++;
        }
        for (int pg = 0, n = 0; pg < pages; pg++) if (ch[pg]) ids[s][n++] = pg;
    }
}

static void call(int mode, const uint16_t *keys, const uint16_t *vals, const uint16_t *bounds, int pages) {
    if (mode == 0) {
        for (int s = 0; s < SEQ; s++) { /* each fork's own copy of the window, a ring of 64 pages */
            const uint16_t *k = keys + (size_t) s * WINDOW * D, *v = vals + (size_t) s * WINDOW * D;
            qk_kv kv = {k, v, bounds, k, v, bounds, 0};
            for (int h = 0; h < 2; h++)
                qk_attn_pages(&kv, D, P, 0.0625f, WINDOW, NULL, h * 32, 32, q[s], ROWS, state[s][h]);
        }
        return;
    }
    qk_attn_seq seqs[SEQ];
    for (int s = 0; s < SEQ; s++) {
        qk_kv kv = {keys, vals, bounds, keys, vals, bounds, pages};
        seqs[s] = (qk_attn_seq) {kv, ids[s], 0, PICKS, TOK, ROWS, q[s], state[s][0]};
    }
    qk_attn_pages_multi(seqs, SEQ, D, P, 0.0625f);
}

int main(int argc, char **argv) {
    int mode = argc > 1 ? atoi(argv[1]) : 0;
    int rounds = argc > 2 ? atoi(argv[2]) : 5, slabs = argc > 3 ? atoi(argv[3]) : 1;
    int pages = TOK / P;
    size_t slab = (size_t) TOK * D;
    uint16_t *keys = aligned_alloc(64, slab * slabs * 2), *vals = aligned_alloc(64, slab * slabs * 2);
    uint16_t *bounds = calloc((size_t) pages * 2 * D, 2);
    for (size_t i = 0; i < slab * slabs; i++) keys[i] = qk_fp32_to_fp16(rnd()), vals[i] = qk_fp32_to_fp16(rnd());
    for (int s = 0; s < SEQ; s++) for (int i = 0; i < ROWS * D; i++) q[s][i] = rnd();
    picks(pages);
    int calls = mode == 0 ? 200 : 20; /* calls per slab and round */
    double best = 1e9, best_cpu = 1e9;
    for (int r = 0; r < rounds; r++) {
        double t0 = now(), c0 = cpu();
        for (int i = 0; i < calls; i++) {
            int sl = i % slabs;
            call(mode, keys + sl * slab, vals + sl * slab, bounds, pages);
            (void) pages;
            if (r == 0 && i == 0) memcpy(ref, state, sizeof state);
        }
        double t = (now() - t0) / calls * 1e6, c = (cpu() - c0) / calls * 1e6;
        best = t < best ? t : best;
        best_cpu = c < best_cpu ? c : best_cpu;
    }
    double cs = 0;
    for (int s = 0; s < SEQ; s++)
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < ROWS * (D + 2); i++) cs += ref[s][h][i] * (i % 97 + 1) * (s + 1);
    printf("%s: best %.1f us per call (8 forks x 4 rows), best cpu %.1f, checksum %.9g\n",
           mode == 0 ? "window 2x32 pages" : "quest 256 pages", best, best_cpu, cs);
    return 0;
}
