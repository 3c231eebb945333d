/*
 * matmul_avx512.c: AVX-512 VNNI kernels for the quantized types (Q4_0, Q4_1, Q5_0, Q8_0, Q4_K, Q6_K), used when the
 * CPU has avx512f/bw/vl and avx512vnni. Float types keep their AVX2 kernels.
 *
 * Register blocking: a tile is 16 weight rows, one int32 lane of a zmm register per row. A tile's blocks are
 * repacked on the fly, 16 blocks (512 values) at a time, so that group g of block b is one zmm holding values
 * 4g..4g+3 of each of the 16 rows as unsigned bytes. One vpdpbusd with a broadcast of the token's 4 matching
 * activation quants then advances 16 row dots by 4 values; every repacked register is reused for up to 8 tokens
 * before the next is loaded. Per block and token the integer dot is exact; it is then scaled in float as in
 * ggml: Q4_1 adds d_w * d_a * isum + m_w * s_a, Q4_0, Q5_0 and Q8_0 add d_w * d_a * isum.
 *
 * vpdpbusd multiplies unsigned by signed bytes, so signed weights are shifted to unsigned ones and the shift is
 * taken back exactly through the activation block's sum of quants: Q4_0 stores nibble = q + 8, so
 * dot(q, a) = dot(nibble, a) - 8 * sum(a) (Q5_0 likewise with its 5-bit value and 16); Q8_0 uses q ^ 0x80 = q + 128, so dot(q, a) = dot(q + 128, a) - 128 * sum(a).
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
enum kind { K_Q4_0, K_Q4_1, K_Q8_0, K_Q5_0 };

/* One repacked chunk of a tile: KC blocks of 16 rows. */
typedef struct {
    __m512i q[KC][8]; /* block b, group g: lane i = values 4g..4g+3 of row i, unsigned bytes */
    __m512 d[KC];     /* weight scale of each row */
    __m512 m[KC];     /* Q4_1: weight minimum of each row */
} tile_t;

/* Stands in for the blocks of rows past a tile's end; as long as the furthest byte any kernel reads in a block. */
static const uint8_t zero_block[256] __attribute__((aligned(64)));

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
 * The dword at byte off of each of the tile's rows (row r + i for lane i); lanes outside rows read as zero. The
 * callers guarantee 15 * row_bytes fits an int.
 */
static INLINE VNNI __m512i gather_dwords(const uint8_t *w, size_t row_bytes, int r, size_t off, __mmask16 rows) {
    const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32((int)row_bytes));
    return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), rows, index, w + (size_t)r * row_bytes + off, 1);
}

/*
 * acc + the dots of w's unsigned bytes with the 4 signed bytes at a, broadcast: one vpdpbusd with its memory operand
 * broadcast ({1to16}). gcc emits a separate vpbroadcastd for _mm512_set1_epi32 of a load, one more uop per dot
 * product; folded, a batch-8 tile issues 64 fewer uops per block (benchmarks.md, "The quantized matmuls on the Intel
 * Xeon").
 */
static INLINE VNNI __m512i dpbusd_bcast(__m512i acc, __m512i w, const uint8_t *a) {
    __asm__("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(w), "m"(*(const int32_t *)a));
    return acc;
}

static INLINE VNNI __m512 low_halves_to_f32(__m512i v) { return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(v)); }

static INLINE VNNI __m512 high_halves_to_f32(__m512i v) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(v, 16)));
}

static INLINE int block_bytes(int kind) { return kind == K_Q4_1 ? 20 : kind == K_Q4_0 ? 18 : kind == K_Q5_0 ? 22 : 34; }

/* The unsigned offset of the stored quants, taken back through the activation block sum (Q4_1 has none). */
static INLINE int quant_offset(int kind) { return kind == K_Q4_0 ? 8 : kind == K_Q5_0 ? 16 : 128; }

/*
 * Q5_0's fifth bits: adds 16 to byte j of group g (value 4g + j) of each row where bit 4g + j of the row's qh is
 * set. qh holds each row's 32-bit qh in its lane; the shuffle copies byte g / 2 of it to the lane's four bytes.
 */
static INLINE VNNI void add_high_bits(__m512i q[8], __m512i qh) {
    for (int g = 0; g < 8; g++) {
        const int b = g / 2;
        const __m512i pick = _mm512_broadcast_i32x4(_mm_setr_epi32(0x01010101 * b, 0x01010101 * (4 + b),
                                                                    0x01010101 * (8 + b), 0x01010101 * (12 + b)));
        const __m512i bits = _mm512_set1_epi32(g % 2 ? (int)0x80402010 : 0x08040201);
        __mmask64 set = _mm512_test_epi8_mask(_mm512_shuffle_epi8(qh, pick), bits);
        q[g] = _mm512_mask_add_epi8(q[g], set, q[g], _mm512_set1_epi8(16));
    }
}

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
        load_transpose16(p, kind == K_Q4_1 ? 4 : kind == K_Q5_0 ? 6 : 2, t);
        for (int k = 0; k < 4; k++) {
            q[k] = _mm512_and_si512(t[k], low4);
            q[4 + k] = _mm512_and_si512(_mm512_srli_epi32(t[k], 4), low4);
        }
        if (kind == K_Q5_0) {
            uint32_t qh[TILE];
            for (int i = 0; i < TILE; i++) memcpy(&qh[i], p[i] + 2, 4);
            add_high_bits(q, _mm512_loadu_si512(qh));
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
        __m512i heads = gather_dwords(w, row_bytes, r, (size_t)(b0 + b) * bsize, rows);
        tl->d[b] = low_halves_to_f32(heads);
        if (kind == K_Q4_1) tl->m[b] = high_halves_to_f32(heads);
    }
}

/* Pointers of T tokens from token t0, from block b0 on: quants, scales and sums (Q8_1 for Q4_1, else Q8_0). */
typedef struct {
    const uint8_t *q[TMAX];
    const float *d[TMAX];
    const float *s[TMAX];
} tokens_t;

static INLINE void token_pointers(int kind, tokens_t *tk, const uint8_t *act, size_t act_stride, int cols, int t0, int T,
                                  int b0) {
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)(t0 + t) * act_stride;
        tk->q[t] = tok + (size_t)b0 * 32;
        tk->d[t] = (const float *)(tok + qk_act_d_offset(cols)) + b0;
        tk->s[t] = (const float *)(tok + qk_act_s_offset(kind == K_Q4_1 ? QK_ACT_Q8_1 : QK_ACT_Q8_0, cols)) + b0;
    }
}

/*
 * Block b of T tokens against one block of 16 rows (quant groups q, row scales d, Q4_1 row minimums m): exact
 * integer dots, from minus the activation sum times the quant offset for the offset formats (Q4_0, Q5_0, Q8_0),
 * scaled and added to acc. Both paths (repacked chunks and direct tiles) use it, so they give identical results.
 */
static INLINE VNNI void block_accumulate(int kind, const tokens_t *tk, int b, int T, const __m512i q[8], __m512 d, __m512 m,
                                         __m512 acc[TMAX]) {
    __m512i isum[TMAX];
    for (int t = 0; t < T; t++) {
        if (kind == K_Q4_1) {
            isum[t] = _mm512_setzero_si512();
        } else {
            int sum;
            memcpy(&sum, tk->s[t] + b, 4);
            isum[t] = _mm512_set1_epi32(-sum * quant_offset(kind));
        }
    }
    for (int g = 0; g < 8; g++) {
        const __m512i wq = _mm512_load_si512(&q[g]);
        for (int t = 0; t < T; t++) isum[t] = dpbusd_bcast(isum[t], wq, tk->q[t] + b * 32 + 4 * g);
    }
    for (int t = 0; t < T; t++) {
        __m512 scaled = _mm512_mul_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_set1_ps(tk->d[t][b]));
        acc[t] = _mm512_fmadd_ps(scaled, d, acc[t]);
        if (kind == K_Q4_1) acc[t] = _mm512_fmadd_ps(m, _mm512_set1_ps(tk->s[t][b]), acc[t]);
    }
}

/* Tokens [t0, t0 + T) against one repacked chunk; accumulates into out (or starts from zero when first). */
static INLINE VNNI void chunk_tokens(int kind, const tile_t *tl, int kc, int b0, const uint8_t *act, size_t act_stride,
                                     int cols, int t0, int T, float *out, size_t ldo, __mmask16 mask, int first) {
    tokens_t tk;
    __m512 acc[TMAX];
    token_pointers(kind, &tk, act, act_stride, cols, t0, T, b0);
    for (int t = 0; t < T; t++) {
        acc[t] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mask, out + (size_t)(t0 + t) * ldo);
    }
    for (int b = 0; b < kc; b++) block_accumulate(kind, &tk, b, T, tl->q[b], tl->d[b], tl->m[b], acc);
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)(t0 + t) * ldo, mask, acc[t]);
}

/*
 * Up to TMAX tokens (decode, a batched decode step): each block's quant registers are unpacked and used at once by
 * all T tokens, with no repacked copy (storing and reloading a repacked chunk cost a batch-8 step more than the
 * unpacking it saves, since one group of tokens reads it once: StepMatmulBench, 11.2 -> 8.7 ms). Meanwhile the next
 * tile's rows are prefetched (PF_TILES ahead; 2 or 4 measured slower), spread evenly over the blocks, so the next
 * tiles' weights stream in from memory while this one computes. The float operations per row are those of
 * chunk_tokens, so both paths give identical results.
 */
enum { PF_TILES = 1 };

static INLINE VNNI void tile_direct(int kind, const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                                    size_t act_stride, int T, float *out, size_t ldo, int r, int nrows,
                                    const uint8_t *pf, size_t pf_bytes) {
    const int nb = cols / 32, bsize = block_bytes(kind);
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    tokens_t tk;
    __m512 acc[TMAX];
    token_pointers(kind, &tk, act, act_stride, cols, 0, T, 0);
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    size_t pf_lines = (pf_bytes + 63) / 64, pf_per_block = (pf_lines + nb - 1) / nb, pf_next = 0;
    const uint8_t *p[TILE];
    for (int b = 0; b < nb; b++) {
        for (size_t k = 0; k < pf_per_block && pf_next < pf_lines; k++, pf_next++) {
            _mm_prefetch((const char *)pf + pf_next * 64, _MM_HINT_T0);
        }
        __m512i q[8];
        block_pointers(p, w, row_bytes, r, nrows, (size_t)b * bsize);
        unpack_block(kind, p, q);
        __m512i heads = gather_dwords(w, row_bytes, r, (size_t)b * bsize, rows);
        __m512 d = low_halves_to_f32(heads);
        block_accumulate(kind, &tk, b, T, q, d, kind == K_Q4_1 ? high_halves_to_f32(heads) : d, acc);
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)t * ldo, rows, acc[t]);
}

#define TILE_DIRECT(kind, T)                                                                                   \
    static VNNI void tile_direct_##kind##_##T(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act, \
                                              size_t act_stride, float *out, size_t ldo, int r, int nrows,     \
                                              const uint8_t *pf, size_t pf_bytes) {                            \
        tile_direct(kind, w, row_bytes, cols, act, act_stride, T, out, ldo, r, nrows, pf, pf_bytes);           \
    }
#define TILE_DIRECT_ALL(kind) TILE_DIRECT(kind, 1) TILE_DIRECT(kind, 2) TILE_DIRECT(kind, 3) TILE_DIRECT(kind, 4) \
    TILE_DIRECT(kind, 5) TILE_DIRECT(kind, 6) TILE_DIRECT(kind, 7) TILE_DIRECT(kind, 8)
TILE_DIRECT_ALL(K_Q4_0)
TILE_DIRECT_ALL(K_Q4_1)
TILE_DIRECT_ALL(K_Q8_0)
TILE_DIRECT_ALL(K_Q5_0)

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
CHUNK_TOKENS_ALL(K_Q5_0)

typedef void (*chunk_fn)(const tile_t *, int, int, const uint8_t *, size_t, int, int, float *, size_t, __mmask16, int);

/* Runs the n tokens over one repacked tile's kc blocks in chunks of 8, then 4, 2 and 1 (the first block range stores,
 * later ones add). */
static INLINE VNNI void tile_tokens(const chunk_fn chunk[4], const tile_t *tl, int kc, int b0, const uint8_t *act,
                                    size_t act_stride, int cols, int n, float *tile_out, size_t ldo, __mmask16 mask) {
    int t = 0;
    for (; t + 8 <= n; t += 8) chunk[0](tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0);
    if (n - t >= 4) { chunk[1](tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0); t += 4; }
    if (n - t >= 2) { chunk[2](tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0); t += 2; }
    if (n - t >= 1) chunk[3](tl, kc, b0, act, act_stride, cols, t, tile_out, ldo, mask, b0 == 0);
}

/*
 * More than TMAX tokens (large batches, prefill): the repacked path reads its 16 rows as 16 strided streams, which the
 * hardware prefetchers follow poorly once the matrix is not in cache (measured on a 65536 x 576 Q4_1 matrix at 8
 * tokens: 43 GMAC per cpu-second against 93 for one in L2). So each tile first asks for the tile PF_AHEAD tiles on,
 * one contiguous range of rows, to be fetched while this one computes.
 */
enum { PF_AHEAD = 4 };

static INLINE void prefetch_tile_ahead(const uint8_t *w, size_t row_bytes, int r, int r1) {
    int first = r + PF_AHEAD * TILE;
    if (first >= r1) return;
    int rows = r1 - first < TILE ? r1 - first : TILE;
    const char *from = (const char *)(w + (size_t)first * row_bytes);
    size_t bytes = (size_t)rows * row_bytes;
    for (size_t off = 0; off < bytes; off += 64) _mm_prefetch(from + off, _MM_HINT_T1);
}

/* The packed layouts' form of prefetch_tile_ahead: a packed tile is tile_bytes long, whatever rows it holds. */
static INLINE void prefetch_packed_tile_ahead(const uint8_t *tile, size_t tile_bytes, int r, int r1) {
    if (r + PF_AHEAD * TILE >= r1) return;
    const char *from = (const char *)(tile + PF_AHEAD * tile_bytes);
    for (size_t off = 0; off < tile_bytes; off += 64) _mm_prefetch(from + off, _MM_HINT_T1);
}

static INLINE VNNI void matmul_tiles(int kind, const chunk_fn chunk[4], const direct_fn direct[TMAX], const uint8_t *w,
                                     size_t row_bytes, int cols, const uint8_t *act, size_t act_stride, int n,
                                     float *out, size_t ldo, int r0, int r1) {
    const int nb = cols / 32;
    if (n <= TMAX) {
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
        prefetch_tile_ahead(w, row_bytes, r, r1);
        for (int b0 = 0; b0 < nb; b0 += KC) {
            int kc = nb - b0 < KC ? nb - b0 : KC;
            repack(kind, &tl, w, row_bytes, r, nrows, b0, kc);
            tile_tokens(chunk, &tl, kc, b0, act, act_stride, cols, n, tile_out, ldo, mask);
        }
    }
}

/* Gathers index rows by 32-bit byte offsets; beyond that (never for real models) the AVX2 kernel runs. */
#define MATMUL_TILES(name, kind)                                                                              \
    static VNNI void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        static const chunk_fn chunk[4] = {chunk_tokens_##kind##_8, chunk_tokens_##kind##_4,                   \
                                          chunk_tokens_##kind##_2, chunk_tokens_##kind##_1};                  \
        static const direct_fn direct[TMAX] = {tile_direct_##kind##_1, tile_direct_##kind##_2,                \
                                               tile_direct_##kind##_3, tile_direct_##kind##_4,                \
                                               tile_direct_##kind##_5, tile_direct_##kind##_6,                \
                                               tile_direct_##kind##_7, tile_direct_##kind##_8};               \
        if (row_bytes > 0x7fffffff / TILE) {                                                                  \
            fallback_##name(w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                        \
            return;                                                                                           \
        }                                                                                                     \
        matmul_tiles(kind, chunk, direct, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);          \
    }
static qk_matmul_fn fallback_q4_0, fallback_q4_1, fallback_q8_0, fallback_q5_0;
MATMUL_TILES(q4_0, K_Q4_0)
MATMUL_TILES(q4_1, K_Q4_1)
MATMUL_TILES(q8_0, K_Q8_0)
MATMUL_TILES(q5_0, K_Q5_0)

/* ---- Packed Q4_1 and Q8_0 (layout in questkernel.h) ---- */

/*
 * The quant registers and scales of one block of a packed tile: the values unpack_block and the head gather give for
 * the same rows, read with a few contiguous loads. Loads are unaligned-safe; the Java side aligns the copy anyway.
 */
static INLINE VNNI void packed_block(int kind, const uint8_t *blk, __m512i q[8], __m512 *d, __m512 *m) {
    if (kind == K_Q8_0) {
        *d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)blk));
        *m = *d;
        for (int g = 0; g < 8; g++) q[g] = _mm512_loadu_si512(blk + 32 + 64 * g);
    } else if (kind == K_Q5_0) {
        const __m512i low4 = _mm512_set1_epi8(0x0f), sixteen = _mm512_set1_epi8(16);
        for (int k = 0; k < 4; k++) {
            __m512i t = _mm512_loadu_si512(blk + 96 + 64 * k);
            q[k] = _mm512_and_si512(t, low4);
            q[4 + k] = _mm512_and_si512(_mm512_srli_epi32(t, 4), low4);
        }
        for (int g = 0; g < 8; g++) { /* the fifth bits as add_high_bits sets them */
            uint64_t set;
            memcpy(&set, blk + 32 + 8 * g, 8);
            q[g] = _mm512_mask_add_epi8(q[g], (__mmask64)set, q[g], sixteen);
        }
        *d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)blk));
        *m = *d;
    } else {
        const __m512i low4 = _mm512_set1_epi8(0x0f);
        __m512i heads = _mm512_loadu_si512(blk);
        for (int k = 0; k < 4; k++) {
            __m512i t = _mm512_loadu_si512(blk + 64 + 64 * k);
            q[k] = _mm512_and_si512(t, low4);
            q[4 + k] = _mm512_and_si512(_mm512_srli_epi32(t, 4), low4);
        }
        *d = low_halves_to_f32(heads);
        *m = high_halves_to_f32(heads);
    }
}

/* Bytes of one packed block of 16 rows. */
static INLINE int packed_block_bytes(int kind) { return TILE * block_bytes(kind); }

/* tile_direct over a packed tile (its first block at tile): same float operations, so the same results. */
static INLINE VNNI void packed_direct(int kind, const uint8_t *tile, int cols, const uint8_t *act, size_t act_stride,
                                      int T, float *out, size_t ldo, int nrows, const uint8_t *pf, size_t pf_bytes) {
    const int nb = cols / 32, pbsize = packed_block_bytes(kind);
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    tokens_t tk;
    __m512 acc[TMAX];
    token_pointers(kind, &tk, act, act_stride, cols, 0, T, 0);
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    size_t pf_lines = (pf_bytes + 63) / 64, pf_per_block = (pf_lines + nb - 1) / nb, pf_next = 0;
    for (int b = 0; b < nb; b++) {
        for (size_t k = 0; k < pf_per_block && pf_next < pf_lines; k++, pf_next++) {
            _mm_prefetch((const char *)pf + pf_next * 64, _MM_HINT_T0);
        }
        __m512i q[8];
        __m512 d, m;
        packed_block(kind, tile + (size_t)b * pbsize, q, &d, &m);
        block_accumulate(kind, &tk, b, T, q, d, m, acc);
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)t * ldo, rows, acc[t]);
}

#define PACKED_DIRECT(kind, T)                                                                                   \
    static VNNI void packed_direct_##kind##_##T(const uint8_t *tile, int cols, const uint8_t *act, size_t act_stride, \
                                                float *out, size_t ldo, int nrows, const uint8_t *pf, size_t pf_bytes) { \
        packed_direct(kind, tile, cols, act, act_stride, T, out, ldo, nrows, pf, pf_bytes);                     \
    }
#define PACKED_DIRECT_ALL(kind) PACKED_DIRECT(kind, 1) PACKED_DIRECT(kind, 2) PACKED_DIRECT(kind, 3) \
    PACKED_DIRECT(kind, 4) PACKED_DIRECT(kind, 5) PACKED_DIRECT(kind, 6) PACKED_DIRECT(kind, 7) PACKED_DIRECT(kind, 8)
PACKED_DIRECT_ALL(K_Q4_1)
PACKED_DIRECT_ALL(K_Q8_0)
PACKED_DIRECT_ALL(K_Q5_0)

typedef void (*packed_direct_fn)(const uint8_t *, int, const uint8_t *, size_t, float *, size_t, int, const uint8_t *,
                                 size_t);

/*
 * matmul_tiles over a packed copy (r0 a multiple of 16): up to TMAX tokens use the direct tiles; more fill the
 * repacked chunk from the packed blocks (plain loads) and run the same chunk functions.
 */
static INLINE VNNI void packed_tiles(int kind, const chunk_fn chunk[4], const packed_direct_fn direct[TMAX],
                                     const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                                     size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {
    const int nb = cols / 32, pbsize = packed_block_bytes(kind);
    const size_t tile_bytes = (size_t)TILE * row_bytes;
    for (int r = r0; r < r1; r += TILE) {
        int nrows = r1 - r < TILE ? r1 - r : TILE;
        const uint8_t *tile = w + (size_t)(r / TILE) * tile_bytes;
        float *tile_out = out + (r - r0);
        if (n <= TMAX) {
            int more = r + TILE < r1;
            direct[n - 1](tile, cols, act, act_stride, tile_out, ldo, nrows, tile + tile_bytes, more ? tile_bytes : 0);
            continue;
        }
        prefetch_packed_tile_ahead(tile, tile_bytes, r, r1);
        __mmask16 mask = (__mmask16)((1u << nrows) - 1);
        tile_t tl;
        for (int b0 = 0; b0 < nb; b0 += KC) {
            int kc = nb - b0 < KC ? nb - b0 : KC;
            for (int b = 0; b < kc; b++) packed_block(kind, tile + (size_t)(b0 + b) * pbsize, tl.q[b], &tl.d[b], &tl.m[b]);
            tile_tokens(chunk, &tl, kc, b0, act, act_stride, cols, n, tile_out, ldo, mask);
        }
    }
}

#define MATMUL_PACKED(name, kind)                                                                              \
    static VNNI void packed_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        static const chunk_fn chunk[4] = {chunk_tokens_##kind##_8, chunk_tokens_##kind##_4,                   \
                                          chunk_tokens_##kind##_2, chunk_tokens_##kind##_1};                  \
        static const packed_direct_fn direct[TMAX] = {packed_direct_##kind##_1, packed_direct_##kind##_2,     \
                                                      packed_direct_##kind##_3, packed_direct_##kind##_4,     \
                                                      packed_direct_##kind##_5, packed_direct_##kind##_6,     \
                                                      packed_direct_##kind##_7, packed_direct_##kind##_8};    \
        packed_tiles(kind, chunk, direct, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);          \
    }
MATMUL_PACKED(q4_1, K_Q4_1)
MATMUL_PACKED(q8_0, K_Q8_0)
MATMUL_PACKED(q5_0, K_Q5_0)

/* Writes the packed copy of a Q4_1, Q8_0 or Q5_0 matrix: each block's bytes moved as the tiles above read them. */
static INLINE VNNI void pack_tiles(int kind, const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    const int nb = cols / 32, bsize = block_bytes(kind), pbsize = packed_block_bytes(kind);
    const uint8_t *p[TILE];
    for (int r = 0; r < rows; r += TILE) {
        int nrows = rows - r < TILE ? rows - r : TILE;
        uint8_t *tile = packed + (size_t)(r / TILE) * TILE * row_bytes;
        for (int b = 0; b < nb; b++) {
            uint8_t *blk = tile + (size_t)b * pbsize;
            block_pointers(p, w, row_bytes, r, nrows, (size_t)b * bsize);
            if (kind == K_Q8_0) {
                __m512i q[8];
                unpack_block(kind, p, q);
                for (int i = 0; i < TILE; i++) memcpy(blk + 2 * i, p[i], 2);
                for (int g = 0; g < 8; g++) _mm512_storeu_si512(blk + 32 + 64 * g, q[g]);
            } else if (kind == K_Q5_0) {
                __m512i t[4];
                load_transpose16(p, 6, t);
                uint64_t set[8] = {0};
                for (int i = 0; i < TILE; i++) {
                    uint32_t qh;
                    memcpy(blk + 2 * i, p[i], 2);
                    memcpy(&qh, p[i] + 2, 4);
                    for (int g = 0; g < 8; g++) set[g] |= (uint64_t)((qh >> (4 * g)) & 0xf) << (4 * i);
                }
                memcpy(blk + 32, set, sizeof(set));
                for (int k = 0; k < 4; k++) _mm512_storeu_si512(blk + 96 + 64 * k, t[k]);
            } else {
                __m512i t[4];
                load_transpose16(p, 4, t);
                for (int i = 0; i < TILE; i++) memcpy(blk + 4 * i, p[i], 4);
                for (int k = 0; k < 4; k++) _mm512_storeu_si512(blk + 64 + 64 * k, t[k]);
            }
        }
    }
}

static VNNI void pack_q4_1(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    pack_tiles(K_Q4_1, w, row_bytes, rows, cols, packed);
}

static VNNI void pack_q8_0(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    pack_tiles(K_Q8_0, w, row_bytes, rows, cols, packed);
}

static VNNI void pack_q5_0(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    pack_tiles(K_Q5_0, w, row_bytes, rows, cols, packed);
}

/* ---- Q4_K and Q6_K: the same tiles over 256-value blocks ---- */

/*
 * A 256-block splits into sub-blocks with their own integer scales (Q4_K: eight of 32 values with 6-bit scale
 * and min; Q6_K: sixteen of 16 values with int8 scale). Each sub-block's dot is exact (vpdpbusd), is multiplied
 * by the row's scale with vpmulld and summed in int32 over the 256-block, then scaled in float by d_w * d_a, as
 * ggml_vec_dot_q4_K_q8_K / q6_K_q8_K do. Terms that involve only activation block sums use vpdpwssd on int16
 * pairs: Q4_K's mins (sum_j min_j * (bsum_2j + bsum_2j+1)), and Q6_K's offset (stored values are q + 32, so
 * 32 * sum_g scale_g * bsum_g is taken back).
 */
enum { KCK = 2 }; /* 256-blocks per repacked chunk: 512 values like the 32-block tiles */
enum kkind { K_Q4_K, K_Q6_K };

typedef struct {
    __m512i q[KCK][64];    /* block k, group of 4 values i (values 4i..4i+3 of each of the 16 rows) */
    __m512i sc[KCK][16];   /* Q4_K: sc[k][0..7] sub-block scales; Q6_K: sc[k][0..15] group scales */
    __m512i pairs[KCK][8]; /* Q4_K: [0..3] mins in int16 pairs; Q6_K: [0..7] scales in int16 pairs */
    __m512 d[KCK];
    __m512 dmin[KCK];
} ktile_t;

/* A byte of each dword lane of v (0..3), zero-extended. */
static INLINE VNNI __m512i lane_byte(__m512i v, int byte) {
    return _mm512_and_si512(_mm512_srli_epi32(v, 8 * byte), _mm512_set1_epi32(0xff));
}

static INLINE VNNI void repack_q4_k(ktile_t *tl, int k, const uint8_t *w, size_t row_bytes, int r, int nrows, int blk) {
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    const __m512i low4 = _mm512_set1_epi8(0x0f);
    const uint8_t *p[TILE];
    size_t off = (size_t)blk * 144;
    block_pointers(p, w, row_bytes, r, nrows, off);
    for (int c = 0; c < 4; c++) { /* 32 bytes per 64 values: low nibbles sub-block 2c, high nibbles 2c + 1 */
        for (int half = 0; half < 2; half++) {
            __m512i t[4];
            load_transpose16(p, 16 + 32 * c + 16 * half, t);
            for (int i = 0; i < 4; i++) {
                tl->q[k][8 * (2 * c) + 4 * half + i] = _mm512_and_si512(t[i], low4);
                tl->q[k][8 * (2 * c + 1) + 4 * half + i] = _mm512_and_si512(_mm512_srli_epi32(t[i], 4), low4);
            }
        }
    }
    __m512i heads = gather_dwords(w, row_bytes, r, off, rows);
    tl->d[k] = low_halves_to_f32(heads);
    tl->dmin[k] = high_halves_to_f32(heads);
    /* the 12 scale bytes: 6-bit scales and mins packed as ggml's get_scale_min_k4 reads them */
    __m512i s0 = gather_dwords(w, row_bytes, r, off + 4, rows);
    __m512i s1 = gather_dwords(w, row_bytes, r, off + 8, rows);
    __m512i s2 = gather_dwords(w, row_bytes, r, off + 12, rows);
    const __m512i six = _mm512_set1_epi32(63), four = _mm512_set1_epi32(15);
    __m512i mins[8];
    for (int j = 0; j < 4; j++) {
        tl->sc[k][j] = _mm512_and_si512(lane_byte(s0, j), six);
        mins[j] = _mm512_and_si512(lane_byte(s1, j), six);
        __m512i hi = lane_byte(s2, j);
        tl->sc[k][4 + j] = _mm512_or_si512(_mm512_and_si512(hi, four),
                                           _mm512_slli_epi32(_mm512_srli_epi32(lane_byte(s0, j), 6), 4));
        mins[4 + j] = _mm512_or_si512(_mm512_srli_epi32(hi, 4),
                                      _mm512_slli_epi32(_mm512_srli_epi32(lane_byte(s1, j), 6), 4));
    }
    for (int j = 0; j < 4; j++) tl->pairs[k][j] = _mm512_or_si512(mins[2 * j], _mm512_slli_epi32(mins[2 * j + 1], 16));
}

static INLINE VNNI void repack_q6_k(ktile_t *tl, int k, const uint8_t *w, size_t row_bytes, int r, int nrows, int blk) {
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    const __m512i low4 = _mm512_set1_epi8(0x0f), two = _mm512_set1_epi8(3);
    const uint8_t *p[TILE];
    size_t off = (size_t)blk * 210;
    block_pointers(p, w, row_bytes, r, nrows, off);
    for (int h = 0; h < 2; h++) { /* 128 values: ql[64 h .. + 64] low nibbles, qh[32 h .. + 32] high bit pairs */
        __m512i ql[16], qh[8];
        for (int i = 0; i < 4; i++) load_transpose16(p, 64 * h + 16 * i, ql + 4 * i);
        for (int i = 0; i < 2; i++) load_transpose16(p, 128 + 32 * h + 16 * i, qh + 4 * i);
        for (int part = 0; part < 4; part++) { /* values 32 part .. + 32 of this half */
            for (int g = 0; g < 8; g++) {
                __m512i lo = ql[8 * (part & 1) + g];
                lo = part >= 2 ? _mm512_srli_epi32(lo, 4) : lo;
                __m512i hi = _mm512_and_si512(_mm512_srli_epi32(qh[g], 2 * part), two);
                tl->q[k][8 * (4 * h + part) + g] =
                    _mm512_or_si512(_mm512_and_si512(lo, low4), _mm512_slli_epi32(hi, 4));
            }
        }
    }
    /* d is the last 2 bytes of the block: read the dword that ends there, never past the block */
    tl->d[k] = high_halves_to_f32(gather_dwords(w, row_bytes, r, off + 206, rows));
    for (int i = 0; i < 4; i++) {
        __m512i s = gather_dwords(w, row_bytes, r, off + 192 + 4 * i, rows);
        for (int b = 0; b < 4; b++) { /* sign-extend byte b of each lane */
            tl->sc[k][4 * i + b] = _mm512_srai_epi32(_mm512_slli_epi32(s, 24 - 8 * b), 24);
        }
    }
    const __m512i low16 = _mm512_set1_epi32(0xffff);
    for (int j = 0; j < 8; j++) {
        tl->pairs[k][j] = _mm512_or_si512(_mm512_and_si512(tl->sc[k][2 * j], low16), _mm512_slli_epi32(tl->sc[k][2 * j + 1], 16));
    }
}

/* Tokens [t0, t0 + T) against kc repacked 256-blocks starting at block k0. */
static INLINE VNNI void kchunk_tokens(int kind, const ktile_t *tl, int kc, int k0, const uint8_t *act, size_t act_stride,
                                      int cols, int t0, int T, float *out, size_t ldo, __mmask16 mask, int first) {
    const uint8_t *tq[TMAX];
    const float *td[TMAX];
    const int16_t *tb[TMAX];
    __m512 acc[TMAX];
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)(t0 + t) * act_stride;
        tq[t] = tok + (size_t)k0 * 256;
        td[t] = (const float *)(tok + qk_act_d_offset(cols)) + k0;
        tb[t] = (const int16_t *)(tok + qk_act_s_offset(QK_ACT_Q8_K, cols)) + (size_t)k0 * 16;
        acc[t] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(mask, out + (size_t)(t0 + t) * ldo);
    }
    const int subs = kind == K_Q4_K ? 8 : 16, groups = kind == K_Q4_K ? 8 : 4;
    for (int k = 0; k < kc; k++) {
        __m512i isum[TMAX], side[TMAX];
        for (int t = 0; t < T; t++) {
            isum[t] = _mm512_setzero_si512();
            side[t] = _mm512_setzero_si512();
        }
        for (int j = 0; j < subs; j++) {
            __m512i part[TMAX];
            for (int t = 0; t < T; t++) part[t] = _mm512_setzero_si512();
            for (int g = 0; g < groups; g++) {
                const __m512i wq = _mm512_load_si512(&tl->q[k][groups * j + g]);
                for (int t = 0; t < T; t++) part[t] = dpbusd_bcast(part[t], wq, tq[t] + k * 256 + (groups * j + g) * 4);
            }
            for (int t = 0; t < T; t++) isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(part[t], tl->sc[k][j]));
        }
        for (int t = 0; t < T; t++) {
            const int16_t *bs = tb[t] + k * 16;
            if (kind == K_Q4_K) {
                for (int j = 0; j < 4; j++) {
                    uint32_t pair = (uint16_t)(bs[4 * j] + bs[4 * j + 1]) | (uint32_t)(uint16_t)(bs[4 * j + 2] + bs[4 * j + 3]) << 16;
                    side[t] = _mm512_dpwssd_epi32(side[t], tl->pairs[k][j], _mm512_set1_epi32((int)pair));
                }
            } else {
                for (int j = 0; j < 8; j++) {
                    int pair;
                    memcpy(&pair, bs + 2 * j, 4);
                    side[t] = _mm512_dpwssd_epi32(side[t], tl->pairs[k][j], _mm512_set1_epi32(pair));
                }
                isum[t] = _mm512_sub_epi32(isum[t], _mm512_slli_epi32(side[t], 5));
            }
            __m512 dd = _mm512_mul_ps(tl->d[k], _mm512_set1_ps(td[t][k]));
            acc[t] = _mm512_fmadd_ps(dd, _mm512_cvtepi32_ps(isum[t]), acc[t]);
            if (kind == K_Q4_K) {
                __m512 dm = _mm512_mul_ps(tl->dmin[k], _mm512_set1_ps(td[t][k]));
                acc[t] = _mm512_fnmadd_ps(dm, _mm512_cvtepi32_ps(side[t]), acc[t]);
            }
        }
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)(t0 + t) * ldo, mask, acc[t]);
}

#define KCHUNK_TOKENS(kind, T)                                                                                 \
    static VNNI void kchunk_##kind##_##T(const ktile_t *tl, int kc, int k0, const uint8_t *act,                \
                                         size_t act_stride, int cols, int t0, float *out, size_t ldo,         \
                                         __mmask16 mask, int first) {                                          \
        kchunk_tokens(kind, tl, kc, k0, act, act_stride, cols, t0, T, out, ldo, mask, first);                  \
    }
KCHUNK_TOKENS(K_Q4_K, 8) KCHUNK_TOKENS(K_Q4_K, 4) KCHUNK_TOKENS(K_Q4_K, 2) KCHUNK_TOKENS(K_Q4_K, 1)
KCHUNK_TOKENS(K_Q6_K, 8) KCHUNK_TOKENS(K_Q6_K, 4) KCHUNK_TOKENS(K_Q6_K, 2) KCHUNK_TOKENS(K_Q6_K, 1)

typedef void (*kchunk_fn)(const ktile_t *, int, int, const uint8_t *, size_t, int, int, float *, size_t, __mmask16, int);

static INLINE VNNI void matmul_ktiles(int kind, const kchunk_fn fns[4], const uint8_t *w, size_t row_bytes, int cols,
                                      const uint8_t *act, size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {
    ktile_t tl;
    const int nk = cols / 256;
    for (int r = r0; r < r1; r += TILE) {
        int nrows = r1 - r < TILE ? r1 - r : TILE;
        __mmask16 mask = (__mmask16)((1u << nrows) - 1);
        float *tile_out = out + (r - r0);
        prefetch_tile_ahead(w, row_bytes, r, r1);
        for (int k0 = 0; k0 < nk; k0 += KCK) {
            int kc = nk - k0 < KCK ? nk - k0 : KCK;
            for (int k = 0; k < kc; k++) {
                if (kind == K_Q4_K) repack_q4_k(&tl, k, w, row_bytes, r, nrows, k0 + k);
                else repack_q6_k(&tl, k, w, row_bytes, r, nrows, k0 + k);
            }
            int t = 0;
            for (; t + 8 <= n; t += 8) fns[0](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0);
            if (n - t >= 4) { fns[1](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0); t += 4; }
            if (n - t >= 2) { fns[2](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0); t += 2; }
            if (n - t >= 1) fns[3](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0);
        }
    }
}

static qk_matmul_fn fallback_q4_k, fallback_q6_k;

/*
 * Packed Q4_K and Q6_K (layout in questkernel.h): per 16 rows and 256-block, the quant registers as the repack above
 * loads and transposes them, and the scales already in the lanes the tiles use, so that a block costs plain loads
 * and the same integer and float operations; the results are bit for bit those of the GGUF-layout kernels.
 */
enum { Q4K_SC = 64, Q4K_MINS = 192, Q4K_Q = 320, Q4K_PACKED = 2368 };
enum { Q6K_QH = 2048, Q6K_SC = 3072, Q6K_D = 3328, Q6K_PACKED = 3360 };

static INLINE int kpacked_bytes(int kind) { return kind == K_Q4_K ? Q4K_PACKED : Q6K_PACKED; }

/* Quant register qi of a packed block: values 4(qi % 8) .. + 3 of sub-block qi / 8 (Q4_K), as repack_q4_k /
 * repack_q6_k set tl->q[k][qi]. */
static INLINE VNNI __m512i kpacked_q(int kind, const uint8_t *blk, int qi) {
    const __m512i low4 = _mm512_set1_epi8(0x0f);
    if (kind == K_Q4_K) {
        __m512i t = _mm512_loadu_si512(blk + Q4K_Q + 64 * (8 * (qi / 16) + qi % 8));
        return (qi / 8) % 2 ? _mm512_and_si512(_mm512_srli_epi32(t, 4), low4) : _mm512_and_si512(t, low4);
    }
    const int h = qi / 32, part = (qi / 8) % 4, g = qi % 8;
    __m512i lo = _mm512_loadu_si512(blk + 64 * (16 * h + 8 * (part & 1) + g));
    lo = part >= 2 ? _mm512_srli_epi32(lo, 4) : lo;
    __m512i qh = _mm512_loadu_si512(blk + Q6K_QH + 64 * (8 * h + g));
    __m512i hi = _mm512_and_si512(_mm512_srli_epi32(qh, 2 * part), _mm512_set1_epi8(3));
    return _mm512_or_si512(_mm512_and_si512(lo, low4), _mm512_slli_epi32(hi, 4));
}

/* The int16 pairs of tl->pairs[k][j]: Q4_K mins 2j and 2j + 1, Q6_K scales 2j and 2j + 1. */
static INLINE VNNI __m512i kpacked_pair(int kind, const uint8_t *blk, int j) {
    if (kind == K_Q4_K) return _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(blk + Q4K_MINS + 32 * j)));
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(blk + Q6K_SC + 32 * j)));
}

/* Scale j of each row (Q4_K: sub-block j's 6-bit scale; Q6_K: group j's int8 scale), as tl->sc[k][j]. */
static INLINE VNNI __m512i kpacked_sc(int kind, const uint8_t *blk, int j) {
    if (kind == K_Q4_K) return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(blk + Q4K_SC + 16 * j)));
    __m512i pair = kpacked_pair(kind, blk, j / 2);
    return j % 2 ? _mm512_srai_epi32(pair, 16) : _mm512_srai_epi32(_mm512_slli_epi32(pair, 16), 16);
}

static INLINE VNNI __m512 kpacked_d(int kind, const uint8_t *blk) {
    if (kind == K_Q4_K) return low_halves_to_f32(_mm512_loadu_si512(blk));
    return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + Q6K_D)));
}

/* Fills block k of a repacked chunk from a packed block (the large-batch path). */
static INLINE VNNI void kpacked_fill(int kind, ktile_t *tl, int k, const uint8_t *blk) {
    for (int qi = 0; qi < 64; qi++) tl->q[k][qi] = kpacked_q(kind, blk, qi);
    for (int j = 0; j < (kind == K_Q4_K ? 8 : 16); j++) tl->sc[k][j] = kpacked_sc(kind, blk, j);
    for (int j = 0; j < (kind == K_Q4_K ? 4 : 8); j++) tl->pairs[k][j] = kpacked_pair(kind, blk, j);
    tl->d[k] = kpacked_d(kind, blk);
    tl->dmin[k] = kind == K_Q4_K ? high_halves_to_f32(_mm512_loadu_si512(blk)) : tl->d[k];
}

/*
 * Up to TMAX tokens over one packed tile (its first block at tile), in registers: kchunk_tokens' integer and float
 * operations in the same order, so the same results; the next tile is prefetched as in packed_direct.
 */
static INLINE VNNI void kpacked_direct(int kind, const uint8_t *tile, int cols, const uint8_t *act, size_t act_stride,
                                       int T, float *out, size_t ldo, int nrows, const uint8_t *pf, size_t pf_bytes) {
    const int nk = cols / 256, pb = kpacked_bytes(kind);
    const int subs = kind == K_Q4_K ? 8 : 16, groups = kind == K_Q4_K ? 8 : 4;
    const __mmask16 rows = (__mmask16)((1u << nrows) - 1);
    const uint8_t *tq[TMAX];
    const float *td[TMAX];
    const int16_t *tb[TMAX];
    __m512 acc[TMAX];
    for (int t = 0; t < T; t++) {
        const uint8_t *tok = act + (size_t)t * act_stride;
        tq[t] = tok;
        td[t] = (const float *)(tok + qk_act_d_offset(cols));
        tb[t] = (const int16_t *)(tok + qk_act_s_offset(QK_ACT_Q8_K, cols));
        acc[t] = _mm512_setzero_ps();
    }
    size_t pf_lines = (pf_bytes + 63) / 64, pf_per_block = (pf_lines + nk - 1) / nk, pf_next = 0;
    for (int k = 0; k < nk; k++) {
        for (size_t c = 0; c < pf_per_block && pf_next < pf_lines; c++, pf_next++) {
            _mm_prefetch((const char *)pf + pf_next * 64, _MM_HINT_T0);
        }
        const uint8_t *blk = tile + (size_t)k * pb;
        __m512i isum[TMAX], side[TMAX];
        for (int t = 0; t < T; t++) {
            isum[t] = _mm512_setzero_si512();
            side[t] = _mm512_setzero_si512();
        }
        for (int j = 0; j < subs; j++) {
            __m512i part[TMAX];
            for (int t = 0; t < T; t++) part[t] = _mm512_setzero_si512();
            for (int g = 0; g < groups; g++) {
                const __m512i wq = kpacked_q(kind, blk, groups * j + g);
                for (int t = 0; t < T; t++) part[t] = dpbusd_bcast(part[t], wq, tq[t] + k * 256 + (groups * j + g) * 4);
            }
            const __m512i sc = kpacked_sc(kind, blk, j);
            for (int t = 0; t < T; t++) isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(part[t], sc));
        }
        const __m512 d = kpacked_d(kind, blk);
        for (int t = 0; t < T; t++) {
            const int16_t *bs = tb[t] + k * 16;
            if (kind == K_Q4_K) {
                for (int j = 0; j < 4; j++) {
                    uint32_t pair = (uint16_t)(bs[4 * j] + bs[4 * j + 1]) | (uint32_t)(uint16_t)(bs[4 * j + 2] + bs[4 * j + 3]) << 16;
                    side[t] = _mm512_dpwssd_epi32(side[t], kpacked_pair(kind, blk, j), _mm512_set1_epi32((int)pair));
                }
            } else {
                for (int j = 0; j < 8; j++) {
                    int pair;
                    memcpy(&pair, bs + 2 * j, 4);
                    side[t] = _mm512_dpwssd_epi32(side[t], kpacked_pair(kind, blk, j), _mm512_set1_epi32(pair));
                }
                isum[t] = _mm512_sub_epi32(isum[t], _mm512_slli_epi32(side[t], 5));
            }
            __m512 dd = _mm512_mul_ps(d, _mm512_set1_ps(td[t][k]));
            acc[t] = _mm512_fmadd_ps(dd, _mm512_cvtepi32_ps(isum[t]), acc[t]);
            if (kind == K_Q4_K) {
                __m512 dm = _mm512_mul_ps(high_halves_to_f32(_mm512_loadu_si512(blk)), _mm512_set1_ps(td[t][k]));
                acc[t] = _mm512_fnmadd_ps(dm, _mm512_cvtepi32_ps(side[t]), acc[t]);
            }
        }
    }
    for (int t = 0; t < T; t++) _mm512_mask_storeu_ps(out + (size_t)t * ldo, rows, acc[t]);
}

#define KPACKED_DIRECT(kind, T)                                                                                  \
    static VNNI void kpacked_direct_##kind##_##T(const uint8_t *tile, int cols, const uint8_t *act, size_t act_stride, \
                                                 float *out, size_t ldo, int nrows, const uint8_t *pf, size_t pf_bytes) { \
        kpacked_direct(kind, tile, cols, act, act_stride, T, out, ldo, nrows, pf, pf_bytes);                    \
    }
#define KPACKED_DIRECT_ALL(kind) KPACKED_DIRECT(kind, 1) KPACKED_DIRECT(kind, 2) KPACKED_DIRECT(kind, 3) \
    KPACKED_DIRECT(kind, 4) KPACKED_DIRECT(kind, 5) KPACKED_DIRECT(kind, 6) KPACKED_DIRECT(kind, 7) KPACKED_DIRECT(kind, 8)
KPACKED_DIRECT_ALL(K_Q4_K)
KPACKED_DIRECT_ALL(K_Q6_K)

/* matmul_ktiles over a packed copy (r0 a multiple of 16): direct tiles up to TMAX tokens, repacked chunks above. */
static INLINE VNNI void kpacked_tiles(int kind, const kchunk_fn fns[4], const packed_direct_fn direct[TMAX],
                                      const uint8_t *w, int cols, const uint8_t *act, size_t act_stride, int n,
                                      float *out, size_t ldo, int r0, int r1) {
    const int nk = cols / 256, pb = kpacked_bytes(kind);
    const size_t tile_bytes = (size_t)nk * pb;
    ktile_t tl;
    for (int r = r0; r < r1; r += TILE) {
        int nrows = r1 - r < TILE ? r1 - r : TILE;
        const uint8_t *tile = w + (size_t)(r / TILE) * tile_bytes;
        float *tile_out = out + (r - r0);
        if (n <= TMAX) {
            int more = r + TILE < r1;
            direct[n - 1](tile, cols, act, act_stride, tile_out, ldo, nrows, tile + tile_bytes, more ? tile_bytes : 0);
            continue;
        }
        prefetch_packed_tile_ahead(tile, tile_bytes, r, r1);
        __mmask16 mask = (__mmask16)((1u << nrows) - 1);
        for (int k0 = 0; k0 < nk; k0 += KCK) {
            int kc = nk - k0 < KCK ? nk - k0 : KCK;
            for (int k = 0; k < kc; k++) kpacked_fill(kind, &tl, k, tile + (size_t)(k0 + k) * pb);
            int t = 0;
            for (; t + 8 <= n; t += 8) fns[0](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0);
            if (n - t >= 4) { fns[1](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0); t += 4; }
            if (n - t >= 2) { fns[2](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0); t += 2; }
            if (n - t >= 1) fns[3](&tl, kc, k0, act, act_stride, cols, t, tile_out, ldo, mask, k0 == 0);
        }
    }
}

#define MATMUL_KPACKED(name, kind)                                                                             \
    static VNNI void packed_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        static const kchunk_fn fns[4] = {kchunk_##kind##_8, kchunk_##kind##_4, kchunk_##kind##_2,             \
                                         kchunk_##kind##_1};                                                  \
        static const packed_direct_fn direct[TMAX] = {kpacked_direct_##kind##_1, kpacked_direct_##kind##_2,   \
                                                      kpacked_direct_##kind##_3, kpacked_direct_##kind##_4,   \
                                                      kpacked_direct_##kind##_5, kpacked_direct_##kind##_6,   \
                                                      kpacked_direct_##kind##_7, kpacked_direct_##kind##_8};  \
        (void)row_bytes;                                                                                      \
        kpacked_tiles(kind, fns, direct, w, cols, act, act_stride, n, out, ldo, r0, r1);                      \
    }
MATMUL_KPACKED(q4_k, K_Q4_K)
MATMUL_KPACKED(q6_k, K_Q6_K)

/* Writes the packed copy of a Q4_K or Q6_K matrix: each 256-block of 16 rows as the packed tiles above read it. */
static INLINE VNNI void kpack(int kind, const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    const int nk = cols / 256, pb = kpacked_bytes(kind), bsize = kind == K_Q4_K ? 144 : 210;
    const uint8_t *p[TILE];
    for (int r = 0; r < rows; r += TILE) {
        int nrows = rows - r < TILE ? rows - r : TILE;
        for (int k = 0; k < nk; k++) {
            uint8_t *blk = packed + ((size_t)(r / TILE) * nk + k) * pb;
            block_pointers(p, w, row_bytes, r, nrows, (size_t)k * bsize);
            if (kind == K_Q4_K) {
                for (int c = 0; c < 4; c++) {
                    for (int half = 0; half < 2; half++) {
                        __m512i t[4];
                        load_transpose16(p, 16 + 32 * c + 16 * half, t);
                        for (int i = 0; i < 4; i++) _mm512_storeu_si512(blk + Q4K_Q + 64 * (8 * c + 4 * half + i), t[i]);
                    }
                }
                for (int i = 0; i < TILE; i++) {
                    const uint8_t *s = p[i] + 4; /* the 12 scale bytes, read as ggml's get_scale_min_k4 */
                    memcpy(blk + 4 * i, p[i], 4);
                    for (int j = 0; j < 8; j++) {
                        uint8_t sc = j < 4 ? s[j] & 63 : (s[j + 4] & 0xf) | ((s[j - 4] >> 6) << 4);
                        uint8_t mn = j < 4 ? s[j + 4] & 63 : (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
                        blk[Q4K_SC + 16 * j + i] = sc;
                        blk[Q4K_MINS + 32 * (j / 2) + 2 * i + j % 2] = mn;
                    }
                }
            } else {
                for (int h = 0; h < 2; h++) {
                    __m512i t[4];
                    for (int i = 0; i < 4; i++) {
                        load_transpose16(p, 64 * h + 16 * i, t);
                        for (int m = 0; m < 4; m++) _mm512_storeu_si512(blk + 64 * (16 * h + 4 * i + m), t[m]);
                    }
                    for (int i = 0; i < 2; i++) {
                        load_transpose16(p, 128 + 32 * h + 16 * i, t);
                        for (int m = 0; m < 4; m++) _mm512_storeu_si512(blk + Q6K_QH + 64 * (8 * h + 4 * i + m), t[m]);
                    }
                }
                for (int i = 0; i < TILE; i++) {
                    for (int j = 0; j < 16; j++) blk[Q6K_SC + 32 * (j / 2) + 2 * i + j % 2] = p[i][192 + j];
                    memcpy(blk + Q6K_D + 2 * i, p[i] + 208, 2);
                }
            }
        }
    }
}

static VNNI void pack_q4_k(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    kpack(K_Q4_K, w, row_bytes, rows, cols, packed);
}

static VNNI void pack_q6_k(const uint8_t *w, size_t row_bytes, int rows, int cols, uint8_t *packed) {
    kpack(K_Q6_K, w, row_bytes, rows, cols, packed);
}

#define MATMUL_KTILES(name, kind)                                                                             \
    static VNNI void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,          \
                                   size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {        \
        static const kchunk_fn fns[4] = {kchunk_##kind##_8, kchunk_##kind##_4, kchunk_##kind##_2,             \
                                         kchunk_##kind##_1};                                                  \
        if (row_bytes > 0x7fffffff / TILE) {                                                                  \
            fallback_##name(w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                        \
            return;                                                                                           \
        }                                                                                                     \
        matmul_ktiles(kind, fns, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                   \
    }
MATMUL_KTILES(q4_k, K_Q4_K)
MATMUL_KTILES(q6_k, K_Q6_K)

/* ---- Bound sums of a head sketch (qk_bounds_fn) ---- */

static qk_bounds_fn fallback_bounds;

/*
 * Over a packed copy a block's 16 row scales are one load, each row in its own lane, so every lane runs its row's
 * chain of fused multiply-adds in block order: the bits of the generic version. The scales sit in tiles the sketch's
 * matmul has just read, so these loads come from the cache.
 */
static VNNI void bounds_packed(const uint8_t *w, size_t row_bytes, int cols, int packed, const float *pn, int n,
                               float *up, float *down, size_t ldo, int r0, int r1) {
    if (!packed) {
        fallback_bounds(w, row_bytes, cols, packed, pn, n, up, down, ldo, r0, r1);
        return;
    }
    const int nb = cols / 32;
    const size_t pbsize = (size_t)TILE * (row_bytes / (size_t)nb), tile_bytes = (size_t)TILE * row_bytes;
    for (int r = r0; r < r1; r += TILE) {
        const int nrows = r1 - r < TILE ? r1 - r : TILE;
        const __mmask16 mask = (__mmask16)((1u << nrows) - 1);
        const uint8_t *tile = w + (size_t)(r / TILE) * tile_bytes;
        for (int t = 0; t < n; t++) {
            const float *p = pn + (size_t)t * 2 * nb, *m = p + nb;
            __m512 u = _mm512_setzero_ps(), d = _mm512_setzero_ps();
            for (int b = 0; b < nb; b++) {
                __m512 s = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(tile + (size_t)b * pbsize)));
                u = _mm512_fmadd_ps(s, _mm512_set1_ps(p[b]), u);
                d = _mm512_fmadd_ps(s, _mm512_set1_ps(m[b]), d);
            }
            _mm512_mask_storeu_ps(up + (size_t)t * ldo + (r - r0), mask, u);
            _mm512_mask_storeu_ps(down + (size_t)t * ldo + (r - r0), mask, d);
        }
    }
}

int qk_matmul_ops_avx512(qk_matmul_ops *ops) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512vnni")) return 0;
    fallback_q4_0 = ops->matmul[QK_Q4_0];
    fallback_q4_1 = ops->matmul[QK_Q4_1];
    fallback_q8_0 = ops->matmul[QK_Q8_0];
    fallback_q5_0 = ops->matmul[QK_Q5_0];
    fallback_q4_k = ops->matmul[QK_Q4_K];
    fallback_q6_k = ops->matmul[QK_Q6_K];
    fallback_bounds = ops->bounds;
    ops->bounds = bounds_packed;
    ops->matmul[QK_Q4_0] = matmul_q4_0;
    ops->matmul[QK_Q4_1] = matmul_q4_1;
    ops->matmul[QK_Q8_0] = matmul_q8_0;
    ops->matmul[QK_Q5_0] = matmul_q5_0;
    ops->matmul[QK_Q4_K] = matmul_q4_k;
    ops->matmul[QK_Q6_K] = matmul_q6_k;
    ops->pack[QK_Q4_1] = pack_q4_1;
    ops->pack[QK_Q8_0] = pack_q8_0;
    ops->packed[QK_Q4_1] = packed_q4_1;
    ops->packed[QK_Q8_0] = packed_q8_0;
    ops->pack[QK_Q5_0] = pack_q5_0;
    ops->pack[QK_Q4_K] = pack_q4_k;
    ops->packed[QK_Q4_K] = packed_q4_k;
    ops->pack[QK_Q6_K] = pack_q6_k;
    ops->packed[QK_Q6_K] = packed_q6_k;
    ops->packed[QK_Q5_0] = packed_q5_0;
    qk_quantize_ops_avx512(ops);
    ops->name = "avx512-vnni";
    return 1;
}
