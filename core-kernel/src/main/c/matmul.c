/*
 * matmul.c: JNI entry points of NativeMatmulKernel, the once-per-process choice of matmul kernels, and the
 * per-thread activation scratch.
 *
 * Every entry point re-checks the sizes the Java side already checked (weight buffer capacity against
 * rows * row bytes, array lengths against n * cols and n * rows) before touching memory, and throws
 * IllegalArgumentException on a mismatch.
 */
#include <jni.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "questkernel.h"

/* ---- kernel choice ---- */

static qk_matmul_ops ops_table[3];
static int ops_ready[3];
static const qk_matmul_ops *active_ops;
static pthread_mutex_t ops_lock = PTHREAD_MUTEX_INITIALIZER;

static const qk_matmul_ops *ops_for(int isa) {
    pthread_mutex_lock(&ops_lock);
    if (!ops_ready[isa]) {
        qk_matmul_ops *ops = &ops_table[isa];
        qk_matmul_ops_generic(ops);
        if (isa >= QK_ISA_AVX2) qk_matmul_ops_avx2(ops);
        if (isa >= QK_ISA_AVX512) qk_matmul_ops_avx512(ops);
        ops_ready[isa] = 1;
    }
    pthread_mutex_unlock(&ops_lock);
    return &ops_table[isa];
}

const qk_matmul_ops *qk_matmul_active(void) {
    const qk_matmul_ops *ops = __atomic_load_n(&active_ops, __ATOMIC_ACQUIRE);
    if (ops == NULL) {
        ops = ops_for(qk_isa());
        __atomic_store_n(&active_ops, ops, __ATOMIC_RELEASE);
    }
    return ops;
}

void qk_matmul_set_isa(int isa) {
    int best = qk_isa();
    if (isa > best) isa = best; /* never select code the CPU cannot run */
    if (isa < QK_ISA_SCALAR) isa = QK_ISA_SCALAR;
    __atomic_store_n(&active_ops, ops_for(isa), __ATOMIC_RELEASE);
}

/* ---- per-thread scratch ---- */

typedef struct { void *data; size_t size; } scratch_t;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
    scratch_t *s = p;
    free(s->data);
    free(s);
}

static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }

void *qk_thread_scratch(size_t bytes) {
    pthread_once(&scratch_once, scratch_init);
    scratch_t *s = pthread_getspecific(scratch_key);
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
            free(s);
            return NULL;
        }
    }
    if (s->size < bytes) {
        void *p = NULL;
        size_t size = bytes + bytes / 4;
        if (posix_memalign(&p, 64, size) != 0) return NULL;
        free(s->data);
        s->data = p;
        s->size = size;
    }
    return s->data;
}

/* ---- JNI ---- */

static void throw_named(JNIEnv *env, const char *cls_name, const char *msg) {
    jclass cls = (*env)->FindClass(env, cls_name);
    if (cls != NULL) (*env)->ThrowNew(env, cls, msg);
}

static void throw_iae(JNIEnv *env, const char *msg) { throw_named(env, "java/lang/IllegalArgumentException", msg); }

/* Checks type, shape and buffer; returns the weight bytes or NULL with an exception pending. */
static const uint8_t *weight_bytes(JNIEnv *env, jobject data, jint type, jint rows, jint cols, size_t *row_bytes) {
    int block = qk_type_block(type);
    if (block == 0) {
        throw_iae(env, "native matmul: unsupported ggml type id");
        return NULL;
    }
    if (rows <= 0 || cols <= 0 || cols % block != 0) {
        throw_iae(env, "native matmul: rows and cols must be positive and cols a multiple of the type's block size");
        return NULL;
    }
    if (data == NULL) {
        throw_iae(env, "native matmul: weight buffer is null");
        return NULL;
    }
    const uint8_t *base = (*env)->GetDirectBufferAddress(env, data);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, data);
    *row_bytes = (size_t)(cols / block) * (size_t)qk_type_size(type);
    if (base == NULL || capacity < 0) {
        throw_iae(env, "native matmul: weight buffer is not a direct buffer");
        return NULL;
    }
    if ((unsigned long long)capacity != (unsigned long long)rows * *row_bytes) {
        throw_iae(env, "native matmul: weight buffer capacity is not rows * row bytes");
        return NULL;
    }
    return base;
}

/* Runs the kernel into a private buffer and copies the rows back: only for JVMs that copy critical arrays,
 * where writing the whole array back would undo other threads' rows. */
static void matmul_into_copy(JNIEnv *env, const qk_matmul_ops *ops, jint type, const uint8_t *w, size_t row_bytes,
                             jint cols, const uint8_t *act, size_t act_stride, jint n, jfloatArray out, jint rows,
                             jint r0, jint r1) {
    size_t width = (size_t)(r1 - r0);
    float *tmp = malloc((size_t)n * width * sizeof(float));
    if (tmp == NULL) {
        throw_named(env, "java/lang/OutOfMemoryError", "native matmul: no memory for the output copy");
        return;
    }
    ops->matmul[type](w, row_bytes, cols, act, act_stride, n, tmp, width, r0, r1);
    for (jint t = 0; t < n; t++) (*env)->SetFloatArrayRegion(env, out, t * rows + r0, (jsize)width, tmp + (size_t)t * width);
    free(tmp);
}

JNIEXPORT void JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_matmul0(
        JNIEnv *env, jclass cls, jobject data, jint type, jint rows, jint cols, jfloatArray x, jint n,
        jfloatArray out, jint r0, jint r1) {
    size_t row_bytes;
    const uint8_t *w = weight_bytes(env, data, type, rows, cols, &row_bytes);
    if (w == NULL) return;
    if (x == NULL || out == NULL) {
        throw_iae(env, "native matmul: x and out must not be null");
        return;
    }
    if (n < 0 || r0 < 0 || r0 > r1 || r1 > rows) {
        throw_iae(env, "native matmul: need n >= 0 and 0 <= rowStart <= rowEnd <= rows");
        return;
    }
    if ((long long)(*env)->GetArrayLength(env, x) < (long long)n * cols) {
        throw_iae(env, "native matmul: x holds fewer than n * cols floats");
        return;
    }
    if ((long long)(*env)->GetArrayLength(env, out) < (long long)n * rows) {
        throw_iae(env, "native matmul: out holds fewer than n * rows floats");
        return;
    }
    if (n == 0 || r0 == r1) return;

    const qk_matmul_ops *ops = qk_matmul_active();
    int act_format = qk_act_format(type);
    size_t act_stride = qk_act_stride(act_format, cols);
    uint8_t *act = qk_thread_scratch((size_t)n * act_stride);
    if (act == NULL) {
        throw_named(env, "java/lang/OutOfMemoryError", "native matmul: no memory for converted activations");
        return;
    }
    float *xp = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    if (xp == NULL) return; /* OutOfMemoryError pending */
    ops->quantize[act_format](xp, n, cols, act, act_stride);
    (*env)->ReleasePrimitiveArrayCritical(env, x, xp, JNI_ABORT);

    jboolean copied = JNI_FALSE;
    float *op = (*env)->GetPrimitiveArrayCritical(env, out, &copied);
    if (op == NULL) return;
    if (!copied) {
        ops->matmul[type](w, row_bytes, cols, act, act_stride, n, op + r0, (size_t)rows, r0, r1);
        (*env)->ReleasePrimitiveArrayCritical(env, out, op, 0);
    } else {
        (*env)->ReleasePrimitiveArrayCritical(env, out, op, JNI_ABORT);
        matmul_into_copy(env, ops, type, w, row_bytes, cols, act, act_stride, n, out, rows, r0, r1);
    }
}

JNIEXPORT void JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_dequantizeRow0(
        JNIEnv *env, jclass cls, jobject data, jint type, jint rows, jint cols, jint row, jfloatArray out, jint off) {
    size_t row_bytes;
    const uint8_t *w = weight_bytes(env, data, type, rows, cols, &row_bytes);
    if (w == NULL) return;
    if (out == NULL || row < 0 || row >= rows || off < 0
            || (long long)off + cols > (long long)(*env)->GetArrayLength(env, out)) {
        throw_iae(env, "native dequantizeRow: need 0 <= row < rows and off + cols <= out.length");
        return;
    }
    float *op = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (op == NULL) return;
    qk_dequantize_row(type, w + (size_t)row * row_bytes, cols, op + off);
    (*env)->ReleasePrimitiveArrayCritical(env, out, op, 0);
}

JNIEXPORT jstring JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_opsName0(JNIEnv *env, jclass cls) {
    return (*env)->NewStringUTF(env, qk_matmul_active()->name);
}

JNIEXPORT void JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_setIsa0(JNIEnv *env, jclass cls, jint isa) {
    qk_matmul_set_isa(isa);
}

JNIEXPORT jint JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_bestIsa0(JNIEnv *env, jclass cls) {
    return qk_isa();
}

/* Test hook: the activation conversion of one weight type, returned as the raw per-token bytes. */
JNIEXPORT jint JNICALL Java_dev_questspark_kernel_NativeMatmulKernel_quantizeActivations0(
        JNIEnv *env, jclass cls, jint type, jfloatArray x, jint n, jint cols, jbyteArray dst) {
    int block = qk_type_block(type);
    int act_format = qk_act_format(type);
    if (block == 0 || n <= 0 || cols <= 0 || cols % block != 0 || x == NULL || dst == NULL
            || (long long)(*env)->GetArrayLength(env, x) < (long long)n * cols) {
        throw_iae(env, "native quantizeActivations: bad arguments");
        return 0;
    }
    size_t stride = qk_act_stride(act_format, cols);
    if ((long long)(*env)->GetArrayLength(env, dst) < (long long)(n * stride)) {
        throw_iae(env, "native quantizeActivations: dst holds fewer than n * stride bytes");
        return 0;
    }
    uint8_t *tmp = qk_thread_scratch((size_t)n * stride);
    if (tmp == NULL) {
        throw_named(env, "java/lang/OutOfMemoryError", "native quantizeActivations: no memory");
        return 0;
    }
    float *xp = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    if (xp == NULL) return 0;
    memset(tmp, 0, (size_t)n * stride);
    qk_matmul_active()->quantize[act_format](xp, n, cols, tmp, stride);
    (*env)->ReleasePrimitiveArrayCritical(env, x, xp, JNI_ABORT);
    (*env)->SetByteArrayRegion(env, dst, 0, (jsize)(n * stride), (const jbyte *)tmp);
    return (jint)stride;
}
