/*
 * quantize_avx512.c: the Q8_0, Q8_1 and Q8_K activation conversions with AVX-512, installed beside the AVX-512 VNNI
 * matmul kernels. A 32-block is two registers and a Q8_K group of 16 one, so each block's maximum and sums are one
 * reduction instead of the AVX2 version's three 128-bit folds per 256-bit pair; at two threads every thread converts
 * all the tokens of a matmul, so this cost is paid twice per call (benchmarks.md, "Activation conversion").
 *
 * Bit-identical to the generic and AVX2 versions: the same divisions, products rounded to nearest even (embedded
 * rounding instead of round-then-convert), saturating narrowing of values that are already within int8, integer
 * sums (exact in any order), and the maximum of absolute values (exact in any order).
 */
#include <immintrin.h>
#include <string.h>
#include "questkernel.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,f16c")))


/* One 32-value block: quants to q, returns the unrounded scale amax / 127 and the sum of quants. */
static inline AVX512 float quantize_block32(const float *x, int8_t *q, int *sum) {
    __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
    float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
    float d = amax / 127.0f;
    const __m512 id = _mm512_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
    __m512i i0 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(v0, id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512i i1 = _mm512_cvt_roundps_epi32(_mm512_mul_ps(v1, id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    *sum = _mm512_reduce_add_epi32(_mm512_add_epi32(i0, i1));
    _mm_storeu_si128((__m128i *)q, _mm512_cvtsepi32_epi8(i0));
    _mm_storeu_si128((__m128i *)(q + 16), _mm512_cvtsepi32_epi8(i1));
    return d;
}

static inline AVX512 float fp16_round(float f) { return _cvtsh_ss(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT)); }

/* ggml's quantize_row_q8_K for one block of 256: quants to q, the sums of each 16 to bsums, returns the scale; the
 * scale comes from the first value of largest magnitude, with its sign. */
static inline AVX512 float quantize_block256(const float *xb, int8_t *q, int16_t *bsums) {
    __m512 m = _mm512_setzero_ps();
    for (int j = 0; j < 256; j += 16) m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(xb + j)));
    const __m512 amax = _mm512_set1_ps(_mm512_reduce_max_ps(m));
    if (_mm512_cmp_ps_mask(amax, _mm512_setzero_ps(), _CMP_EQ_OQ)) { /* all zero: ggml writes zero quants and scale */
        memset(q, 0, 256);
        memset(bsums, 0, 32);
        return 0.0f;
    }
    int j = 0;
    __mmask16 hit = 0;
    for (; j < 256 && !hit; j += 16) hit = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_loadu_ps(xb + j)), amax, _CMP_EQ_OQ);
    float max = hit ? xb[j - 16 + __builtin_ctz((unsigned)hit)] : 0.0f;
    float iscale = -127.0f / max;
    const __m512 is = _mm512_set1_ps(iscale);
    const __m512i top = _mm512_set1_epi32(127);
    for (int g = 0; g < 16; g++) {
        __m512i i = _mm512_cvt_roundps_epi32(_mm512_mul_ps(is, _mm512_loadu_ps(xb + 16 * g)),
                                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        i = _mm512_min_epi32(i, top);
        bsums[g] = (int16_t)_mm512_reduce_add_epi32(i);
        _mm_storeu_si128((__m128i *)(q + 16 * g), _mm512_cvtsepi32_epi8(i));
    }
    return 1.0f / iscale;
}

#define QUANT_TARGET AVX512
#include "quantize_q8.inc"

void qk_quantize_ops_avx512(qk_matmul_ops *ops) {
    ops->quantize[QK_ACT_Q8_0] = quantize_q8_0;
    ops->quantize[QK_ACT_Q8_1] = quantize_q8_1;
    ops->quantize[QK_ACT_Q8_K] = quantize_q8_k;
}
