// bw.c: streaming read bandwidth of one thread over a buffer of MB megabytes (sum of floats, AVX-512), for SECS.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    size_t mb = atol(argv[1]); double secs = atof(argv[2]);
    size_t n = mb << 18; float *x = aligned_alloc(64, n * 4); memset(x, 1, n * 4);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0; double t0 = now(), t; size_t bytes = 0;
    do {
        for (size_t i = 0; i < n; i += 64) {
            a0 = _mm512_add_ps(a0, _mm512_load_ps(x + i)); a1 = _mm512_add_ps(a1, _mm512_load_ps(x + i + 16));
            a2 = _mm512_add_ps(a2, _mm512_load_ps(x + i + 32)); a3 = _mm512_add_ps(a3, _mm512_load_ps(x + i + 48));
        }
        bytes += n * 4; t = now();
    } while (t - t0 < secs);
    printf("%.2f GB/s (%g)\n", bytes / (t - t0) / 1e9, _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3))));
    return 0;
}
