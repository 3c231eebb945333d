/*
 * The AVX-512 top-k selection against the generic one (the ISA lowered with qk_attn_set_isa): equal outputs on random
 * cases (ties, NaN, +-0, +-inf, n up to 6,000, k up to n + 1), then thread CPU per call at 875 scores, k 127.
 * Build: the kernel's objects as bench/attention-walk/build.sh compiles them, then gcc -O3 -I SRC select-harness.c OBJS -lm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "questkernel.h"
static uint32_t rs = 777;
static uint32_t rnd(void) { rs = rs * 1664525u + 1013904223u; return rs >> 8; }
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 100000;
    static float s[6000]; static int32_t a[6100], b[6100];
    for (int c = 0; c < cases; c++) {
        int n = 1 + rnd() % (c % 2 ? 6000 : 64);
        int k = rnd() % (n + 2);
        int distinct = 1 + rnd() % (c % 3 == 0 ? 4 : 100000);
        for (int i = 0; i < n; i++) {
            s[i] = c % 5 == 0 ? (float) ((rnd() / 16777216.0) * 200 - 100) : (float) ((int) (rnd() % distinct) - distinct / 2) * 0.25f;
            if (rnd() % 200 == 0) { int r = rnd() % 4; s[i] = r == 0 ? NAN : r == 1 ? -0.0f : r == 2 ? -INFINITY : INFINITY; }
        }
        memset(a, 0xff, sizeof a); memset(b, 0xff, sizeof b);
        qk_attn_set_isa(QK_ISA_AVX2); int ra = qk_attn_select(s, n, k, a);
        qk_attn_set_isa(QK_ISA_AVX512); int rb = qk_attn_select(s, n, k, b);
        if (ra != rb || memcmp(a, b, sizeof a) != 0) { printf("MISMATCH case %d n %d k %d\n", c, n, k); return 1; }
    }
    printf("%d cases equal\n", cases);
    /* timing: 875 scores like Quest's, k 127 */
    static float sc[64][875];
    for (int j = 0; j < 64; j++) for (int i = 0; i < 875; i++) sc[j][i] = (rnd() / 16777216.0f) * 30 + 2;
    for (int round = 0; round < 3; round++) {
        for (int isa = QK_ISA_AVX2; isa <= QK_ISA_AVX512; isa++) {
            qk_attn_set_isa(isa);
            double t0 = cpu();
            for (int it = 0; it < 20000; it++) qk_attn_select(sc[it & 63], 875, 127, a);
            printf("%s: %.2f us per call\n", isa == QK_ISA_AVX512 ? "avx512" : "generic", (cpu() - t0) / 20000 * 1e6);
        }
    }
    return 0;
}
