/*
 * score_rows: the kernel's own qk_attn_score (Quest's page scoring) for few query rows in SmolLM2-135M's shape (head
 * dim 64, 875 pages of bounds, a KV head's group of 3 rows), as a single sequence or a sequence of its own in a batch
 * scores its pages; SLABS slabs of bounds so they stream from memory (as 84 (layer, KV head) slabs do), or 1 to time
 * them in cache. Bounds are valid min/max pairs of random binary16 keys (with zeros and negative zeros among them).
 * Usage: score_rows ROWS GROUP ROUNDS SLABS OUT: prints the best and mean thread CPU time per call over the rounds
 * and writes every score to OUT (cmp two builds' files: the same bits). QUEST_KERNEL_ISA=avx2|scalar lowers the ISA.
 * Build: bench/attention-walk/build.sh with this file instead of harness.c (HARNESS=score_rows.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "questkernel.h"
#define D 64
#define PAGES 875
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static uint32_t rs = 777;
static float rnd(void) { rs = rs * 1664525u + 1013904223u; return ((rs >> 8) / 16777216.0f) * 2 - 1; }
int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: score_rows ROWS GROUP ROUNDS SLABS OUT\n"); return 2; }
    int rows = atoi(argv[1]), group = atoi(argv[2]), rounds = atoi(argv[3]), slabs = atoi(argv[4]);
    size_t per = (size_t) PAGES * 2 * D;
    uint16_t *bounds = aligned_alloc(64, per * 2 * slabs);
    for (int s = 0; s < slabs; s++)
        for (int p = 0; p < PAGES; p++)
            for (int c = 0; c < D; c++) {
                float a = rnd(), b = rnd();
                if ((p + c) % 97 == 0) a = 0.0f;
                if ((p + c) % 89 == 0) b = -0.0f;
                float lo = a < b ? a : b, hi = a < b ? b : a;
                bounds[s * per + (size_t) p * 2 * D + c] = qk_fp32_to_fp16(lo);
                bounds[s * per + (size_t) p * 2 * D + D + c] = qk_fp32_to_fp16(hi);
            }
    float *q = malloc(sizeof(float) * rows * D * slabs);
    for (int i = 0; i < rows * D * slabs; i++) q[i] = (i % 53 == 0) ? -0.0f : rnd();
    float *scores = malloc(sizeof(float) * PAGES * rows * slabs);
    double best = 1e9, sum = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = cpu();
        for (int s = 0; s < slabs; s++) {
            qk_kv kv = {.bounds = bounds + s * per, .own_bounds = bounds + s * per, .split = (s & 1) ? PAGES / 2 : 0};
            for (int pages = PAGES - 3; pages <= PAGES; pages += 3)
                qk_attn_score(&kv, D, pages, q + (size_t) s * rows * D, rows, group, scores + (size_t) s * PAGES * rows);
        }
        double t = (cpu() - t0) / slabs / 2;
        best = t < best ? t : best;
        sum += t;
    }
    printf("rows %d group %d slabs %d: best %.2f us per call of %d pages (%.1f ns per page), mean %.2f us\n", rows, group,
           slabs, best * 1e6, PAGES, best * 1e9 / PAGES, sum / rounds * 1e6);
    FILE *f = fopen(argv[5], "wb");
    fwrite(scores, sizeof(float), (size_t) PAGES * rows * slabs, f);
    fclose(f);
    return 0;
}
