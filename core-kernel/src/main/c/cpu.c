/* cpu.c: run-time ISA detection shared by every kernel. */
#include <stdlib.h>
#include <string.h>
#include <jni.h>
#include "questkernel.h"

static int detect_isa(void) {
    __builtin_cpu_init();
    int best = QK_ISA_SCALAR;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        best = QK_ISA_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
            best = QK_ISA_AVX512;
        }
    }
    /* An override can only lower the ISA: forcing one the CPU lacks would crash. */
    const char *forced = getenv("QUEST_KERNEL_ISA");
    if (forced != NULL) {
        int want = best;
        if (strcmp(forced, "scalar") == 0) want = QK_ISA_SCALAR;
        else if (strcmp(forced, "avx2") == 0) want = QK_ISA_AVX2;
        else if (strcmp(forced, "avx512") == 0) want = QK_ISA_AVX512;
        if (want < best) best = want;
    }
    return best;
}

int qk_isa(void) {
    static int isa = -1;
    if (isa < 0) isa = detect_isa();
    return isa;
}

const char *qk_isa_name(int isa) {
    switch (isa) {
        case QK_ISA_AVX512: return "avx512";
        case QK_ISA_AVX2: return "avx2+fma";
        default: return "scalar";
    }
}

JNIEXPORT jstring JNICALL Java_dev_questspark_kernel_NativeLibrary_isaName(JNIEnv *env, jclass cls) {
    return (*env)->NewStringUTF(env, qk_isa_name(qk_isa()));
}
