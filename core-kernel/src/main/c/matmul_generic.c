/*
 * matmul_generic.c: the portable C version of every matmul operation, which all ISAs fall back to and
 * which the Java twin (JavaMatmulKernel) mirrors operation for operation.
 *
 * Numerics follow llama.cpp's CPU backend: activations are quantized per block (Q8_0, Q8_1, Q8_K) or rounded
 * to the weight's 16-bit float type, each block's dot product is an exact integer, and blocks are combined in
 * float with the block scales.
 */
#include <math.h>
#include <string.h>
#include "questkernel.h"

int qk_type_block(int type) {
    switch (type) {
        case QK_F32: case QK_F16: case QK_BF16: return 1;
        case QK_Q4_0: case QK_Q4_1: case QK_Q5_0: case QK_Q8_0: return 32;
        case QK_Q4_K: case QK_Q6_K: return 256;
        default: return 0;
    }
}

int qk_type_size(int type) {
    switch (type) {
        case QK_F32: return 4;
        case QK_F16: case QK_BF16: return 2;
        case QK_Q4_0: return 18;
        case QK_Q4_1: return 20;
        case QK_Q5_0: return 22;
        case QK_Q8_0: return 34;
        case QK_Q4_K: return 144;
        case QK_Q6_K: return 210;
        default: return 0;
    }
}

int qk_act_format(int type) {
    switch (type) {
        case QK_F16: return QK_ACT_F16;
        case QK_BF16: return QK_ACT_BF16;
        case QK_Q4_0: case QK_Q5_0: case QK_Q8_0: return QK_ACT_Q8_0;
        case QK_Q4_1: return QK_ACT_Q8_1;
        case QK_Q4_K: case QK_Q6_K: return QK_ACT_Q8_K;
        default: return QK_ACT_F32;
    }
}

size_t qk_act_stride(int act, int cols) {
    size_t bytes;
    switch (act) {
        case QK_ACT_F16: case QK_ACT_BF16: bytes = (size_t)cols * 2; break;
        case QK_ACT_Q8_0: case QK_ACT_Q8_1: bytes = (size_t)cols + (size_t)(cols / 32) * 8; break;
        case QK_ACT_Q8_K: bytes = (size_t)cols + (size_t)(cols / 256) * (4 + 32); break;
        default: bytes = (size_t)cols * 4; break;
    }
    return (bytes + 63) & ~(size_t)63;
}

/* ---- scalar conversions ---- */

static inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint16_t load_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

float qk_fp16_to_fp32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    if (exp == 0) {
        float v = (float)man * 0x1p-24f; /* zero or subnormal: exact */
        return bits_f32(f32_bits(v) | sign);
    }
    if (exp == 31) return bits_f32(sign | 0x7f800000u | (man << 13));
    return bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t qk_fp32_to_fp16(float f) {
    uint32_t bits = f32_bits(f);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
    uint32_t abs = bits & 0x7fffffffu;
    if (abs > 0x7f800000u) return sign | 0x7e00 | (uint16_t)((abs >> 13) & 0x3ff); /* NaN stays NaN */
    if (abs >= 0x477ff000u) return sign | 0x7c00;                                  /* rounds past 65504 */
    if (abs >= 0x38800000u) {                                                       /* a normal half */
        uint32_t r = abs + 0xfffu + ((abs >> 13) & 1u);
        return sign | (uint16_t)((r >> 13) - (112u << 10));
    }
    /* Subnormal half: adding 0.5 lines the half's last bit up with the float's, rounding to nearest even. */
    float t = bits_f32(abs) + 0.5f;
    return sign | (uint16_t)(f32_bits(t) - f32_bits(0.5f));
}

uint16_t qk_fp32_to_bf16(float f) {
    uint32_t u = f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 64); /* quiet NaN */
    return (uint16_t)((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

static inline float fp16_round(float f) { return qk_fp16_to_fp32(qk_fp32_to_fp16(f)); }

/* ---- activation conversion ---- */

static void quantize_f32(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    for (int t = 0; t < n; t++) memcpy(dst + (size_t)t * stride, x + (size_t)t * cols, (size_t)cols * sizeof(float));
}

static void quantize_f16(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    for (int t = 0; t < n; t++) {
        uint16_t *h = (uint16_t *)(dst + (size_t)t * stride);
        const float *xt = x + (size_t)t * cols;
        for (int i = 0; i < cols; i++) h[i] = qk_fp32_to_fp16(xt[i]);
    }
}

static void quantize_bf16(const float *x, int n, int cols, uint8_t *dst, size_t stride) {
    for (int t = 0; t < n; t++) {
        uint16_t *h = (uint16_t *)(dst + (size_t)t * stride);
        const float *xt = x + (size_t)t * cols;
        for (int i = 0; i < cols; i++) h[i] = qk_fp32_to_bf16(xt[i]);
    }
}

/* One 32-value block as ggml's x86 quantize_row_q8_0/q8_1: returns the unrounded scale, sets *sum. */
static float quantize_block32(const float *x, int8_t *q, int *sum) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) amax = fmaxf(amax, fabsf(x[j]));
    float d = amax / 127.0f;
    float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    int s = 0;
    for (int j = 0; j < 32; j++) {
        int v = (int)nearbyintf(x[j] * id);
        q[j] = (int8_t)v;
        s += v;
    }
    *sum = s;
    return d;
}

/* ggml's quantize_row_q8_K for one block of 256: quants to q, the sums of each 16 to bsums, returns the scale; the
 * scale comes from the signed value of largest magnitude. */
static float quantize_block256(const float *xb, int8_t *q, int16_t *bsums) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 256; j++) {
        float ax = fabsf(xb[j]);
        if (ax > amax) { amax = ax; max = xb[j]; }
    }
    if (amax == 0.0f) {
        memset(q, 0, 256);
        memset(bsums, 0, 32);
        return 0.0f;
    }
    float iscale = -127.0f / max;
    for (int j = 0; j < 256; j++) {
        int v = (int)nearbyintf(iscale * xb[j]);
        q[j] = (int8_t)(v < 127 ? v : 127);
    }
    for (int g = 0; g < 16; g++) {
        int s = 0;
        for (int j = 0; j < 16; j++) s += q[g * 16 + j];
        bsums[g] = (int16_t)s;
    }
    return 1.0f / iscale;
}

#define QUANT_TARGET
#include "quantize_q8.inc"

/* ---- dot products: one weight row with one token ---- */

static float dot_f32(const uint8_t *w, const uint8_t *a, int cols) {
    const float *x = (const float *)a;
    float sum = 0.0f;
    for (int i = 0; i < cols; i++) {
        float wi;
        memcpy(&wi, w + 4 * (size_t)i, 4);
        sum += wi * x[i];
    }
    return sum;
}

/* Half-precision weights with activations of the same type, widened by widen (binary16 or bfloat16). */
static inline float dot_halves(const uint8_t *w, const uint8_t *a, int cols, float (*widen)(uint16_t)) {
    const uint16_t *x = (const uint16_t *)a;
    float sum = 0.0f;
    for (int i = 0; i < cols; i++) sum += widen(load_u16(w + 2 * (size_t)i)) * widen(x[i]);
    return sum;
}

static float dot_f16(const uint8_t *w, const uint8_t *a, int cols) { return dot_halves(w, a, cols, qk_fp16_to_fp32); }
static float dot_bf16(const uint8_t *w, const uint8_t *a, int cols) { return dot_halves(w, a, cols, qk_bf16_to_fp32); }

/* Value j (0..31) of a Q5_0 block, in [-16, 15]: nibble j (low nibbles first) with bit j of qh as its fifth bit. */
static inline int q5_0_value(const uint8_t *blk, int j) {
    uint32_t qh = (uint32_t)blk[2] | (uint32_t)blk[3] << 8 | (uint32_t)blk[4] << 16 | (uint32_t)blk[5] << 24;
    int nibble = j < 16 ? blk[6 + j] & 0x0f : blk[6 + j - 16] >> 4;
    return (nibble | (int)((qh >> j) & 1) << 4) - 16;
}

/*
 * The formats of 32-value blocks (Q8_0, Q4_0, Q4_1, Q5_0): bytes per block, and value j (0..31) of a block as an
 * integer: the quant as stored, less Q4_0's and Q5_0's offset (Q4_1's minimum is applied by the caller).
 */
static inline size_t block32_bytes(int type) {
    return type == QK_Q8_0 ? 34 : type == QK_Q4_0 ? 18 : type == QK_Q4_1 ? 20 : 22;
}

static inline int block32_value(int type, const uint8_t *blk, int j) {
    switch (type) {
        case QK_Q8_0: return (int8_t)blk[2 + j];
        case QK_Q4_0: return (j < 16 ? blk[2 + j] & 0x0f : blk[2 + j - 16] >> 4) - 8;
        case QK_Q4_1: return j < 16 ? blk[4 + j] & 0x0f : blk[4 + j - 16] >> 4;
        default: return q5_0_value(blk, j);
    }
}

/*
 * One row of a 32-value block format with one token's Q8_0 (Q8_1 for Q4_1) activations, as ggml's vec_dot_*_q8_*:
 * per block the exact integer dot times both scales, plus for Q4_1 the weight minimum times the activation sum.
 */
static inline float dot_block32(int type, const uint8_t *w, const uint8_t *a, int cols) {
    const float *d = (const float *)(a + qk_act_d_offset(cols));
    const float *s = (const float *)(a + qk_act_s_offset(QK_ACT_Q8_1, cols));
    const int8_t *q = (const int8_t *)a;
    float sum = 0.0f;
    for (int b = 0; b < cols / 32; b++) {
        const uint8_t *blk = w + (size_t)b * block32_bytes(type);
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += block32_value(type, blk, j) * q[b * 32 + j];
        float term = (float)isum * (qk_fp16_to_fp32(load_u16(blk)) * d[b]);
        if (type == QK_Q4_1) term += qk_fp16_to_fp32(load_u16(blk + 2)) * s[b];
        sum += term;
    }
    return sum;
}

static float dot_q8_0(const uint8_t *w, const uint8_t *a, int cols) { return dot_block32(QK_Q8_0, w, a, cols); }
static float dot_q4_0(const uint8_t *w, const uint8_t *a, int cols) { return dot_block32(QK_Q4_0, w, a, cols); }
static float dot_q4_1(const uint8_t *w, const uint8_t *a, int cols) { return dot_block32(QK_Q4_1, w, a, cols); }
static float dot_q5_0(const uint8_t *w, const uint8_t *a, int cols) { return dot_block32(QK_Q5_0, w, a, cols); }

/* The 6-bit scale and min of sub-block j (0..7) of a Q4_K block, as ggml's get_scale_min_k4. */
static inline void q4k_scale_min(const uint8_t *sc, int j, int *scale, int *min) {
    if (j < 4) {
        *scale = sc[j] & 63;
        *min = sc[j + 4] & 63;
    } else {
        *scale = (sc[j + 4] & 0x0f) | ((sc[j - 4] >> 6) << 4);
        *min = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
    }
}

static float dot_q4_k(const uint8_t *w, const uint8_t *a, int cols) {
    const float *d = (const float *)(a + qk_act_d_offset(cols));
    const int16_t *bsums = (const int16_t *)(a + qk_act_s_offset(QK_ACT_Q8_K, cols));
    const int8_t *q = (const int8_t *)a;
    float sum = 0.0f;
    for (int k = 0; k < cols / 256; k++) {
        const uint8_t *blk = w + (size_t)k * 144;
        const uint8_t *qs = blk + 16;
        const int8_t *qk = q + k * 256;
        int isum = 0, imin = 0;
        for (int j = 0; j < 8; j++) {
            int scale, min;
            q4k_scale_min(blk + 4, j, &scale, &min);
            const uint8_t *nib = qs + (j / 2) * 32;
            int shift = (j & 1) * 4;
            int dot = 0;
            for (int l = 0; l < 32; l++) dot += ((nib[l] >> shift) & 0x0f) * qk[j * 32 + l];
            isum += scale * dot;
            imin += min * (bsums[k * 16 + 2 * j] + bsums[k * 16 + 2 * j + 1]);
        }
        float dd = qk_fp16_to_fp32(load_u16(blk)) * d[k];
        float dmin = qk_fp16_to_fp32(load_u16(blk + 2)) * d[k];
        sum += dd * (float)isum - dmin * (float)imin;
    }
    return sum;
}

/* Value l (0..255) of a Q6_K block, in [-32, 31]. */
static inline int q6k_value(const uint8_t *blk, int l) {
    const uint8_t *ql = blk + (l / 128) * 64;
    const uint8_t *qh = blk + 128 + (l / 128) * 32;
    int i = l % 128, part = i / 32, m = i % 32;
    int low = part & 1 ? ql[m + 32] : ql[m];
    low = part >= 2 ? low >> 4 : low & 0x0f;
    int high = (qh[m] >> (2 * part)) & 3;
    return (low | (high << 4)) - 32;
}

static float dot_q6_k(const uint8_t *w, const uint8_t *a, int cols) {
    const float *d = (const float *)(a + qk_act_d_offset(cols));
    const int8_t *q = (const int8_t *)a;
    float sum = 0.0f;
    for (int k = 0; k < cols / 256; k++) {
        const uint8_t *blk = w + (size_t)k * 210;
        const int8_t *scales = (const int8_t *)(blk + 192);
        const int8_t *qk = q + k * 256;
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            int dot = 0;
            for (int l = g * 16; l < g * 16 + 16; l++) dot += q6k_value(blk, l) * qk[l];
            isum += scales[g] * dot;
        }
        sum += qk_fp16_to_fp32(load_u16(blk + 208)) * d[k] * (float)isum;
    }
    return sum;
}

typedef float (*dot_fn)(const uint8_t *w, const uint8_t *a, int cols);

static inline void matmul_rows(dot_fn dot, const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,
                               size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) out[(size_t)t * ldo + (r - r0)] = dot(row, act + (size_t)t * act_stride, cols);
    }
}

#define GENERIC_MATMUL(name)                                                                                  \
    static void matmul_##name(const uint8_t *w, size_t row_bytes, int cols, const uint8_t *act,              \
                              size_t act_stride, int n, float *out, size_t ldo, int r0, int r1) {            \
        matmul_rows(dot_##name, w, row_bytes, cols, act, act_stride, n, out, ldo, r0, r1);                  \
    }
GENERIC_MATMUL(f32)
GENERIC_MATMUL(f16)
GENERIC_MATMUL(bf16)
GENERIC_MATMUL(q8_0)
GENERIC_MATMUL(q4_0)
GENERIC_MATMUL(q4_1)
GENERIC_MATMUL(q5_0)
GENERIC_MATMUL(q4_k)
GENERIC_MATMUL(q6_k)

/* qk_bounds_fn over GGUF rows, one row at a time (the AVX-512 version takes the packed copies). */
static void bounds_rows(const uint8_t *w, size_t row_bytes, int cols, int packed, const float *pn, int n, float *up,
                        float *down, size_t ldo, int r0, int r1) {
    const int nb = cols / 32;
    const size_t block = row_bytes / (size_t)nb;
    for (int t = 0; t < n; t++) {
        const float *p = pn + (size_t)t * 2 * nb, *m = p + nb;
        for (int r = r0; r < r1; r++) {
            const uint8_t *row = w + (size_t)r * row_bytes;
            float u = 0.0f, d = 0.0f;
            for (int b = 0; b < nb; b++) {
                float s = qk_fp16_to_fp32(load_u16(row + (size_t)b * block));
                u = fmaf(s, p[b], u);
                d = fmaf(s, m[b], d);
            }
            up[(size_t)t * ldo + (r - r0)] = u;
            down[(size_t)t * ldo + (r - r0)] = d;
        }
    }
}

void qk_matmul_ops_generic(qk_matmul_ops *ops) {
    memset(ops, 0, sizeof(*ops));
    ops->quantize[QK_ACT_F32] = quantize_f32;
    ops->quantize[QK_ACT_F16] = quantize_f16;
    ops->quantize[QK_ACT_BF16] = quantize_bf16;
    ops->quantize[QK_ACT_Q8_0] = quantize_q8_0;
    ops->quantize[QK_ACT_Q8_1] = quantize_q8_1;
    ops->quantize[QK_ACT_Q8_K] = quantize_q8_k;
    ops->matmul[QK_F32] = matmul_f32;
    ops->matmul[QK_F16] = matmul_f16;
    ops->matmul[QK_BF16] = matmul_bf16;
    ops->matmul[QK_Q8_0] = matmul_q8_0;
    ops->matmul[QK_Q4_0] = matmul_q4_0;
    ops->matmul[QK_Q4_1] = matmul_q4_1;
    ops->matmul[QK_Q5_0] = matmul_q5_0;
    ops->matmul[QK_Q4_K] = matmul_q4_k;
    ops->matmul[QK_Q6_K] = matmul_q6_k;
    ops->bounds = bounds_rows;
    ops->name = "scalar";
}

/* ---- dequantization (embedding lookups) ---- */

void qk_dequantize_row(int type, const uint8_t *row, int cols, float *out) {
    switch (type) {
        case QK_F32:
            memcpy(out, row, (size_t)cols * 4);
            break;
        case QK_F16:
            for (int i = 0; i < cols; i++) out[i] = qk_fp16_to_fp32(load_u16(row + 2 * (size_t)i));
            break;
        case QK_BF16:
            for (int i = 0; i < cols; i++) out[i] = qk_bf16_to_fp32(load_u16(row + 2 * (size_t)i));
            break;
        case QK_Q8_0:
        case QK_Q4_0:
        case QK_Q4_1:
        case QK_Q5_0:
            for (int b = 0; b < cols / 32; b++) {
                const uint8_t *blk = row + (size_t)b * block32_bytes(type);
                float d = qk_fp16_to_fp32(load_u16(blk));
                float m = type == QK_Q4_1 ? qk_fp16_to_fp32(load_u16(blk + 2)) : 0.0f;
                for (int j = 0; j < 32; j++) {
                    float v = (float)block32_value(type, blk, j) * d;
                    out[b * 32 + j] = type == QK_Q4_1 ? v + m : v;
                }
            }
            break;
        case QK_Q4_K:
            for (int k = 0; k < cols / 256; k++) {
                const uint8_t *blk = row + (size_t)k * 144;
                float d = qk_fp16_to_fp32(load_u16(blk)), dmin = qk_fp16_to_fp32(load_u16(blk + 2));
                for (int j = 0; j < 8; j++) {
                    int scale, min;
                    q4k_scale_min(blk + 4, j, &scale, &min);
                    float dl = d * (float)scale, ml = dmin * (float)min;
                    const uint8_t *nib = blk + 16 + (j / 2) * 32;
                    int shift = (j & 1) * 4;
                    for (int l = 0; l < 32; l++) out[k * 256 + j * 32 + l] = dl * (float)((nib[l] >> shift) & 0x0f) - ml;
                }
            }
            break;
        case QK_Q6_K:
            for (int k = 0; k < cols / 256; k++) {
                const uint8_t *blk = row + (size_t)k * 210;
                const int8_t *scales = (const int8_t *)(blk + 192);
                float d = qk_fp16_to_fp32(load_u16(blk + 208));
                for (int l = 0; l < 256; l++) out[k * 256 + l] = d * (float)scales[l / 16] * (float)q6k_value(blk, l);
            }
            break;
        default:
            break;
    }
}
