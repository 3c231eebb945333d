/*
 * qk_forms: three exact forms of a Quest decode tile's q.k (R query rows over pages of 8 binary16 keys, head dim 64,
 * AVX-512), to see whether visiting a shared page once for all the rows that selected it pays on this CPU:
 *   1. the kernel's dot_block_h3 (3 rows x 16 tokens, channels in lanes, each key chunk converted once per 3 rows,
 *      vsum_lanes per row),
 *   2. tokens in lanes: the page converted and transposed to f32 once for all R rows, 8-token vectors per channel lane
 *      chained over the 4 chunks, vsum_lanes' tree as vertical adds,
 *   3. dot_block_h3's arithmetic over an f32 key tile converted once for all R rows.
 * All three give the same bits (checked); it prints ns per row and page of each form.
 * Build and run: gcc -O3 -std=gnu11 -fno-strict-aliasing -Icore-kernel/src/main/c bench/attention-walk/qk_forms.c -lm -o /tmp/qk_forms && /tmp/qk_forms 24
 */
#include "attention_avx512.c"
#include <stdio.h>
#include <time.h>
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static uint32_t rs = 3;
static float rnd(void) { rs = rs * 1664525u + 1013904223u; return ((rs >> 8) / 16777216.0f) * 2 - 1; }
#define T QK_TARGET
/* kt[c][8] = keys[t][c] as f32 for a page of 8 tokens, d = 64: 8x8 blocks transposed with ymm shuffles */
static T void transpose_page(const uint16_t *k, float *kt) {
    for (int c0 = 0; c0 < 64; c0 += 8) {
        __m256 r[8], t[8];
        for (int i = 0; i < 8; i++) r[i] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (k + i * 64 + c0)));
        for (int i = 0; i < 4; i++) { t[2*i] = _mm256_unpacklo_ps(r[2*i], r[2*i+1]); t[2*i+1] = _mm256_unpackhi_ps(r[2*i], r[2*i+1]); }
        for (int i = 0; i < 2; i++) {
            r[4*i] = _mm256_shuffle_ps(t[4*i], t[4*i+2], 0x44); r[4*i+1] = _mm256_shuffle_ps(t[4*i], t[4*i+2], 0xee);
            r[4*i+2] = _mm256_shuffle_ps(t[4*i+1], t[4*i+3], 0x44); r[4*i+3] = _mm256_shuffle_ps(t[4*i+1], t[4*i+3], 0xee);
        }
        for (int i = 0; i < 4; i++) {
            _mm256_storeu_ps(kt + (c0 + i) * 8, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
            _mm256_storeu_ps(kt + (c0 + i + 4) * 8, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
        }
    }
}
/* one row's scores of the page's 8 tokens: lane L chains channels L, L+16, L+32, L+48; tree as vsum_lanes */
static T __attribute__((always_inline)) inline __m256 row_tl(const float *kt, const float *q, __m256 vs) {
    __m256 C[4];
    for (int k = 0; k < 4; k++) {
        __m256 P[4];
        for (int l = 0; l < 4; l++) {
            int L = 4 * k + l;
            __m256 a = _mm256_fmadd_ps(_mm256_set1_ps(q[L]), _mm256_loadu_ps(kt + L * 8), _mm256_setzero_ps());
            for (int ch = 1; ch < 4; ch++) a = _mm256_fmadd_ps(_mm256_set1_ps(q[ch * 16 + L]), _mm256_loadu_ps(kt + (ch * 16 + L) * 8), a);
            P[l] = a;
        }
        C[k] = _mm256_add_ps(_mm256_add_ps(P[0], P[2]), _mm256_add_ps(P[1], P[3]));
    }
    return _mm256_mul_ps(_mm256_add_ps(_mm256_add_ps(C[0], C[1]), _mm256_add_ps(C[2], C[3])), vs);
}

/* dot_block_h3 over keys already converted to f32 rows (kf, 16 tokens x 64, once per page for all rows) */
static T __attribute__((always_inline)) inline void dot_f3(const float *kf, const float *q, __m512 vscale, float *out, int pp) {
    __m512 sv[3][16];
    for (int h = 0; h < 2; h++) {
        __m512 a[3][8];
        for (int tt = 0; tt < 8; tt++) a[0][tt] = a[1][tt] = a[2][tt] = _mm512_setzero_ps();
        for (int c = 0; c < 64; c += 16) {
            __m512 q0 = _mm512_loadu_ps(q + c), q1 = _mm512_loadu_ps(q + 64 + c), q2 = _mm512_loadu_ps(q + 128 + c);
            for (int tt = 0; tt < 8; tt++) {
                __m512 k = _mm512_loadu_ps(kf + (h * 8 + tt) * 64 + c);
                a[0][tt] = _mm512_fmadd_ps(q0, k, a[0][tt]);
                a[1][tt] = _mm512_fmadd_ps(q1, k, a[1][tt]);
                a[2][tt] = _mm512_fmadd_ps(q2, k, a[2][tt]);
            }
        }
        for (int tt = 0; tt < 8; tt++) { sv[0][h * 8 + tt] = a[0][tt]; sv[1][h * 8 + tt] = a[1][tt]; sv[2][h * 8 + tt] = a[2][tt]; }
    }
    for (int r = 0; r < 3; r++) _mm512_storeu_ps(out + (size_t) r * pp, _mm512_mul_ps(vsum_lanes(sv[r]), vscale));
}
static T int run(int argc, char **argv) {
    int R = argc > 1 ? atoi(argv[1]) : 12; /* rows per page (multiple of 3) */
    int pages = 256;
    uint16_t *k = aligned_alloc(64, pages * 8 * 64 * 2);
    for (int i = 0; i < pages * 8 * 64; i++) k[i] = _cvtss_sh(rnd(), 0);
    float *q = aligned_alloc(64, R * 64 * 4);
    for (int i = 0; i < R * 64; i++) q[i] = rnd();
    float *s1 = aligned_alloc(64, (size_t) pages * R * 16 * 4), *s2 = aligned_alloc(64, (size_t) pages * R * 16 * 4);
    float kt[64 * 8] __attribute__((aligned(64)));
    const __m512 vscale = _mm512_set1_ps(0.125f);
    double b1 = 1e9, b2 = 1e9, b3 = 1e9; float *s3 = aligned_alloc(64, (size_t) pages * R * 16 * 4);
    for (int it = 0; it < 200; it++) {
        double c0 = cpu();
        for (int p = 0; p + 1 < pages; p += 2) { /* tiles of 2 pages, rows in threes */
            const uint16_t *k8[2] = {k + (size_t) p * 512, k + (size_t) (p + 1) * 512};
            for (int r = 0; r < R; r += 3) dot_block_h3_avx512(k8, 16, 64, q + r * 64, 64, vscale, s1 + ((size_t) p / 2 * R + r) * 16, 16);
        }
        double c1 = cpu();
        for (int p = 0; p < pages; p++) {
            transpose_page(k + (size_t) p * 512, kt);
            for (int r = 0; r < R; r++) _mm256_storeu_ps(s2 + ((size_t) (p / 2) * R + r) * 16 + (p & 1) * 8, row_tl(kt, q + r * 64, _mm256_set1_ps(0.125f)));
        }
        double c2 = cpu();
        float kf[16 * 64] __attribute__((aligned(64)));
        for (int p = 0; p + 1 < pages; p += 2) {
            for (int t = 0; t < 16; t++) for (int c = 0; c < 64; c += 16) _mm512_storeu_ps(kf + t * 64 + c, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (k + (size_t) p * 512 + t * 64 + c))));
            for (int r = 0; r < R; r += 3) dot_f3(kf, q + r * 64, vscale, s3 + ((size_t) p / 2 * R + r) * 16, 16);
        }
        double c3 = cpu();
        if (c3 - c2 < b3) b3 = c3 - c2;
        if (c1 - c0 < b1) b1 = c1 - c0;
        if (c2 - c1 < b2) b2 = c2 - c1;
    }
    int same = memcmp(s1, s2, (size_t) pages * R * 8 * 4) == 0;
    printf("f32 tile shared by the rows: %.1f ns per row-page, bits %s\n", b3 / (pages * R) * 1e9, memcmp(s1, s3, (size_t) pages * R * 16 * 4) == 0 ? "equal" : "DIFFER");
    printf("R %d: dot_block_h3 %.1f ns per row-page, tokens in lanes %.1f ns per row-page, bits %s\n", R, b1 / (pages * R) * 1e9,
           b2 / (pages * R) * 1e9, same ? "equal" : "DIFFER");
    return same ? 0 : 1;
}
int main(int argc, char **argv) { return run(argc, argv); }
