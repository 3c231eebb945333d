/*
 * matmul_avx512.c: AVX-512 VNNI kernels for the 32-block types (Q4_0, Q4_1, Q8_0), used when the CPU has
 * avx512f/bw/vl and avx512vnni. Other types keep their AVX2 kernels.
 *
 * Register blocking: a tile is 16 weight rows, one int32 lane of a zmm register per row. A tile's blocks are
 * repacked on the fly, 16 blocks (512 values) at a time, so that group g of block b is one zmm holding values
 * 4g..4g+3 of each of the 16 rows as unsigned bytes. One vpdpbusd with a broadcast of the token's 4 matching
 * activation quants then advances 16 row dots by 4 values; every repacked register is reused for up to 8 tokens
 * before the next is loaded. Per block and token the integer dot is exact; it is then scaled in float as in
 * ggml: Q4_1 adds d_w * d_a * isum + m_w * s_a, Q4_0 and Q8_0 add d_w * d_a * isum.
 *
 * vpdpbusd multiplies unsigned by signed bytes, so signed weights are shifted to unsigned ones and the shift is
 * taken back exactly through the activation block's sum of quants: Q4_0 stores nibble = q + 8, so
 * dot(q, a) = dot(nibble, a) - 8 * sum(a); Q8_0 uses q ^ 0x80 = q + 128, so dot(q, a) = dot(q + 128, a) - 128 * sum(a).
 *
 * Each row's result depends only on that row's data and the token, never on the tile it landed in, the row
 * range or the token grouping, so splitting rows across threads gives bit-identical results.
 */
#include <immintrin.h>
#include <string.h>
#include "questkernel.h"

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma,f16c")))
#define INLINE __attribute__((always_inline)) inline

enum { TILE = 16, KC = 16, TMAX = 8 };
enum kind { K_Q4_0, K_Q4_1, K_Q8_0 };

/* One repacked chunk of a tile: KC blocks of 16 rows. */
typedef struct {
    __m512i q[KC][8]; /* block b, group g: lane i = values 4g..4g+3 of row i, unsigned bytes */
    __m512 d[KC];     /* weight scale of each row */
    __m512 m[KC];     /* Q4_1: weight minimum of each row */
} tile_t;

static const uint8_t zero_block[64] __attribute__((aligned(64)));

/*
 * Loads 16 bytes at p[i] + off for 16 rows and transposes them to four registers: out[k] lane i = bytes
 * 4k..4k+3 of row i.
 */
static INLINE VNNI void load_transpose16(const uint8_t *const *p, int off, __m512i out[4]) {
    __m512i b[4];
    for (int c = 0; c < 4; c++) {
        /* 128-bit lane j of b[c] holds row 4j + c */
        __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(p[c] + off)));
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p[4 + c] + off)), 1);
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p[8 + c] + off)), 2);
        b[c] = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p[12 + c] + off)), 3);
    }
    /* 4x4 dword transpose inside every 128-bit lane: lane j, dword c of out[k] = dword k of row 4j + c */
    __m512i t0 = _mm512_unpacklo_epi32(b[0], b[1]), t1 = _mm512_unpackhi_epi32(b[0], b[1]);
    __m512i t2 = _mm512_unpacklo_epi32(b[2], b[3]), t3 = _mm512_unpackhi_epi32(b[2], b[3]);
    out[0] = _mm512_unpacklo_epi64(t0, t2);
    out[1] = _mm512_unpackhi_epi64(t0, t2);
    out[2] = _mm512_unpacklo_epi64(t1, t3);
    out[3] = _mm512_unpackhi_epi64(t1, t3);
}

/*
 * The first dword of block b0 + b of each of the tile's rows (fp16 scale d, and for Q4_1 the minimum m in the
 * high half); rows past the tile's end read as zero. The caller guarantees 15 * row_bytes fits an int.
 */
static INLINE VNNI __m512i gather_block_heads(const uint8_t *w, size_t row_bytes, int r, int b, int bsize, __mmask16 rows) {
    const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32((int)row_bytes));
    const uint8_t *base = w + (size_t)r * row_bytes + (size_t)b * bsize;
    return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), rows, index, base, 1);
}

static INLINE VNNI __m512 low_halves_to_f32(__m512i v) { return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(v)); }

static INLINE VNNI __m512 high_halves_to_f32(__m512i v) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(v, 16)));
}

static INLINE int block_bytes(int kind) { return kind == K_Q4_1 ? 20 : kind == K_Q4_0 ? 18 : 34; }

/* The eight quant registers of block b for the 16 rows whose block starts are p[i]. */
static INLINE VNNI void unpack_block(int kind, const uint8_t *const *p, __m512i q[8]) {
    __m512i t[4];
    if (kind == K_Q8_0) {
        const __m512i bias = _mm512_set1_epi8((char)0x80);
        load_transpose16(p, 2, t);
        for (int k = 0; k < 4; k++) q[k] = _mm512_xor_si512(t[k], bias);
        load_transpose16(p, 18, t);
        for (int k = 0; k < 4; k++) q[4 + k] = _mm512_xor_si512(t[k], bias);
    } else {
        /* low nibbles of bytes 0..15 are values 0..15, high nibbles values 16..31 */
        const __m512i low4 = _mm512_set1_epi8(0x0f);
        load_transpose16(p, kind == K_Q4_1 ? 4 : 2, t);
        for (int k = 0; k < 4; k++) {
            q[k] = _mm512_and_si512(t[k], low4);
            q[4 + k] = _mm512_and_si512(_mm512_srli_epi32(t[k], 4), low4);
        }
    }
}

static INLINE void block_pointers(const uint8_t **p, const uint8_t *w, size_t row_bytes, int r, int nrows, size_t off) {
    for (int i = 0; i < TILE; i++) p[i] = i < nrows ? w + (size_t)(r + i) * row_bytes + off : zero_block;
}

static INLINE VNNI void repack(int kind, tile_t *tl, const uint8_t *w, size_t row_bytes, int r, int nrows, int b0, int kc) {
    const int bsize = block_bytes(kind);
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    const uint8_t *p[TILE];
    for (int b = 0; b < kc; b++) {
        block_pointers(p, w, row_bytes, r, nrows, (size_t)(b0 + b) * bsize);
        unpack_block(kind, p, tl->q[b]);
        __m512i heads = gather_block_heads(w, row_bytes, r, b0 + b, bsize, rows);
        tl->d[b] = low_halves_to_f32(heads);
        if (kind == K_Q4_1) tl->m[b] = high_halves_to_f32(heads);
    }
}

/* Tokens [t0, t0 + T) against one repacked chunk; accumulates into out (or starts from zero when first). */
static INLINE VNNI void chunk_tokens(int kind, const tile_t *tl, int kc, int b0, const uint8_t *act, size_t act_stride,
                                     int cols, int t0, int T, float *out, size_t ldo, __mmask16 mask, int first) {
    const uint8_t *tq[TMAX];
    const float *td[TMAX];
    const float *ts[TMAX];
    __m512 acc[TMAX];
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)(t0 + t) * act_stride;
        tq[t] = tok + (size_t)b0 * 32;
        td[t] = (const float *)(tok + qk_act_d_offset(cols)) + b0;
        ts[t] = (const float *)(tok + qk_act_s_offset(kind == K_Q4_1 ? QK_ACT_Q8_1 : QK_ACT_Q8_0, cols)) + b0;
        acc[t] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mask, out + (size_t)(t0 + t) * ldo);
    }
    for (int b = 0; b < kc; b++) {
        __m512i isum[TMAX];
        for (int t = 0; t < T; t++) {
            if (kind == K_Q4_1) {
                isum[t] = _mm512_setzero_si512();
            } else {
                int sum;
                memcpy(&sum, ts[t] + b, 4);
                isum[t] = _mm512_set1_epi32(sum * (kind == K_Q4_0 ? -8 : -128));
            }
        }
        for (int g = 0; g < 8; g++) {
            const __m512i wq = _mm512_load_si512(&tl->q[b][g]);
            for (int t = 0; t < T; t++) {
                int a4;
                memcpy(&a4, tq[t] + b * 32 + 4 * g, 4);
                isum[t] = _mm512_dpbusd_epi32(isum[t], wq, _mm512_set1_epi32(a4));
            }
        }
        for (int t = 0; t < T; t++) {
            __m512 scaled = _mm512_mul_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_set1_ps(td[t][b]));
            acc[t] = _mm512_fmadd_ps(scaled, tl->d[b], acc[t]);
            if (kind == K_Q4_1) acc[t] = _mm512_fmadd_ps(tl->m[b], _mm512_set1_ps(ts[t][b]), acc[t]);
        }
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)(t0 + t) * ldo, mask, acc[t]);
}

/*
 * Few tokens (decode): each block's quant registers are unpacked and used at once by all T (< 4) tokens, with
 * no repacked copy. Meanwhile the next tile's rows are prefetched (PF_TILES ahead), spread evenly over the blocks, so
 * the next tiles' weights stream in from memory while this one computes. The float operations per row are
 * those of chunk_tokens, so both paths give identical results.
 */
enum { PF_TILES = 1 };

static INLINE VNNI void tile_direct(int kind, const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                                    size_t act_stride, int T, float *out, size_t ldo, int r, int nrows,
                                    const uint8_t *pf, size_t pf_bytes) {
    const int nb = cols / 32, bsize = block_bytes(kind);
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    const uint8_t *tq[TMAX];
    const float *td[TMAX];
    const float *ts[TMAX];
    __m512 acc[TMAX];
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)t * act_stride;
        tq[t] = tok;
        td[t] = (const float *)(tok + qk_act_d_offset(cols));
        ts[t] = (const float *)(tok + qk_act_s_offset(kind == K_Q4_1 ? QK_ACT_Q8_1 : QK_ACT_Q8_0, cols));
        acc[t] = _mm512_setzero_ps();
    }
    size_t pf_lines = (pf_bytes + 63) / 64, pf_per_block = (pf_lines + nb - 1) / nb, pf_next = 0;
    const uint8_t *p[TILE];
    for (int b = 0; b < nb; b++) {
        for (size_t k = 0; k < pf_per_block && pf_next < pf_lines; k++, pf_next++) {
            _mm_prefetch((const char *)pf + pf_next * 64, _MM_HINT_T0);
        }
        __m512i q[8];
        block_pointers(p, w, row_bytes, r, nrows, (size_t)b * bsize);
        unpack_block(kind, p, q);
        __m512i heads = gather_block_heads(w, row_bytes, r, b, bsize, rows);
        __m512 d = low_halves_to_f32(heads);
        __m512i isum[TMAX];
        for (int t = 0; t < T; t++) {
            if (kind == K_Q4_1) {
                isum[t] = _mm512_setzero_si512();
            } else {
                int sum;
                memcpy(&sum, ts[t] + b, 4);
                isum[t] = _mm512_set1_epi32(sum * (kind == K_Q4_0 ? -8 : -128));
            }
        }
        for (int g = 0; g < 8; g++) {
            for (int t = 0; t < T; t++) {
                int a4;
                memcpy(&a4, tq[t] + b * 32 + 4 * g, 4);
                isum[t] = _mm512_dpbusd_epi32(isum[t], q[g], _mm512_set1_epi32(a4));
            }
        }
        for (int t = 0; t < T; t++) {
            __m512 scaled = _mm512_mul_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_set1_ps(td[t][b]));
            acc[t] = _mm512_fmadd_ps(scaled, d, acc[t]);
            if (kind == K_Q4_1) acc[t] = _mm512_fmadd_ps(high_halves_to_f32(heads), _mm512_set1_ps(ts[t][b]), acc[t]);
        }
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)t * ldo, rows, acc[t]);
}

#define TILE_DIRECT(kind, T)                                                                                   \
    static VNNI void tile_direct_##kind##_##T(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act, \
                                              size_t act_stride, float *out, size_t ldo, int r, int nrows,     \
                                              const uint8_t *pf, size_t pf_bytes) {                            \
        tile_direct(kind, w, row_bytes, cols, act, act_stride, T, out, ldo, r, nrows, pf, pf_bytes);           \
    }
#define TILE_DIRECT_ALL(kind) TILE_DIRECT(kind, 1) TILE_DIRECT(kind, 2) TILE_DIRECT(kind, 3)
TILE_DIRECT_ALL(K_Q4_0)
TILE_DIRECT_ALL(K_Q4_1)
TILE_DIRECT_ALL(K_Q8_0)

typedef void (*direct_fn)(const uint8_t *, size_t, int, const uint8_t *, size_t, float *, size_t, int, int,
                          const uint8_t *, size_t);

#define CHUNK_TOKENS(kind, T)                                                                                  \
    static VNNI void chunk_tokens_##kind##_##T(const tile_t *tl, int kc, int b0, const uint8_t *act,          \
                                               size_t act_stride, int cols, int t0, float *out, size_t ldo,   \
                                               __mmask16 mask, int first) {                                   \
        chunk_tokens(kind, tl, kc, b0, act, act_stride, cols, t0, T, out, ldo, mask, first);                 \
    }
#define CHUNK_TOKENS_ALL(kind) CHUNK_TOKENS(kind, 8) CHUNK_TOKENS(kind, 4) CHUNK_TOKENS(kind, 2) CHUNK_TOKENS(kind, 1)
CHUNK_TOKENS_ALL(K_Q4_0)
CHUNK_TOKENS_ALL(K_Q4_1)
CHUNK_TOKENS_ALL(K_Q8_0)

typedef void (*chunk_fn)(const tile_t *, int, int, const uint8_t *, size_t, int, int, float *, size_t, __mmask16, int);

static INLINE VNNI void matmul_tiles(int kind, const chunk_fn chunk[4], const direct_fn direct[3], const uint8_t *w,
                                     size_t row_bytes, int cols, const uint8_t *act, size_t act_stride, int n,
                                     float *out, size_t ldo, int r0, int r1) {
    const int nb = cols / 32;
    if (n < 4) {
        for (int r = r0; r < r1; r += TILE) {
            int nrows = r1 - r < TILE ? r1 - r : TILE;
            int pf_row = r + PF_TILES * TILE < r1 ? r + PF_TILES * TILE : r1;
            int pf_rows = r1 - pf_row < TILE ? r1 - pf_row : TILE;
            direct[n - 1](w, row_bytes, cols, act, act_stride, out + (r - r0), ldo, r, nrows,
                          w + (size_t)pf_row * row_bytes, (size_t)pf_rows * row_bytes);
        }
        return;
    }
    tile_t tl;
    for (int r = r0; r < r1; r += TILE) {
        int nrows = r1 - r < TILE ? r1 - r : TILE;
        __mmask16 mask = (__mmask16)((1u << nrows) - 1);
        float *tile_out = out + (r - r0);
        for (int b0 = 0; b0 < nb; b0 += KC) {
            int kc = nb - b0 < KC ? nb - b0 : KC;
            repack(kind, &tl, w, row_bytes, r, nrows, b0, kc);
            int t = 0;
            for (; t + 8 <= n; t += 8) chunk[0](&tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0);
            if (n - t >= 4) { chunk[1](&tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0); t += 4; }
            if (n - t >= 2) { chunk[2](&tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0); t += 2; }
            if (n - t >= 1) chunk[3](&tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0);
        }
    }
}

/* Gathers index rows by 32-bit byte offsets; beyond that (never for real models) the AVX2 kernel runs. */
#define MATMUL_TILES(name, kind)                                                                              \
    static VNNI void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        static const chunk_fn chunk[4] = {chunk_tokens_##kind##_8, chunk_tokens_##kind##_4,                   \
                                          chunk_tokens_##kind##_2, chunk_tokens_##kind##_1};                  \
        static const direct_fn direct[3] = {tile_direct_##kind##_1, tile_direct_##kind##_2,                   \
                                            tile_direct_##kind##_3};                                          \
        if (row_bytes > 0x7fffffff / TILE) {                                                                  \
            fallback_##name(w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                        \
            return;                                                                                           \
        }                                                                                                     \
        matmul_tiles(kind, chunk, direct, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);          \
    }
static qk_matmul_fn fallback_q4_0, fallback_q4_1, fallback_q8_0;
MATMUL_TILES(q4_0, K_Q4_0)
MATMUL_TILES(q4_1, K_Q4_1)
MATMUL_TILES(q8_0, K_Q8_0)

int qk_matmul_ops_avx512(qk_matmul_ops *ops) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512vnni")) return 0;
    fallback_q4_0 = ops->matmul[QK_Q4_0];
    fallback_q4_1 = ops->matmul[QK_Q4_1];
    fallback_q8_0 = ops->matmul[QK_Q8_0];
    ops->matmul[QK_Q4_0] = matmul_q4_0;
    ops->matmul[QK_Q4_1] = matmul_q4_1;
    ops->matmul[QK_Q8_0] = matmul_q8_0;
    ops->name = "avx512-vnni";
    return 1;
}
