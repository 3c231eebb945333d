// fma.c: per-thread throughput of independent AVX-512 FMA chains (compute) or of a pointer chase (memory latency),
// run as 1 or 2 processes at once to tell whether the VM's two vCPUs share one core's execution units.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    double secs = atof(argv[1]);
    __m512 a[12]; __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps((float) i);
    long iters = 0; double t0 = now(), t;
    do {
        for (int k = 0; k < 100000; k++) {
            #pragma GCC unroll 12
            for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
        }
        iters += 100000;
        t = now();
    } while (t - t0 < secs);
    float s = 0; for (int i = 0; i < 12; i++) s += _mm512_reduce_add_ps(a[i]);
    printf("%.3f GFMA-vec/s (%g)\n", iters * 12 / (t - t0) / 1e9, s);
    return 0;
}
