/*
 * W4b peer: a plain C loop for one example through 784-128-64-10 (ReLU, ReLU, Identity), float32, the math of
 * shared/design/math.md: z = x*W + b per layer, W row-major n_in x n_out. It is the floor for Predict of one row:
 * every weight is read once, and the loop is written in the order a person who knows the layout would write it, input
 * outer and output inner, so that GCC vectorizes the inner loop (an axpy, no reduction to reorder) without
 * -ffast-math. Build with
 *   gcc -O3 -march=native w4b_predict.c -o w4b_predict -lm
 *
 * The weights are those of benchmarks/peers/export_onnx.py and PeerWeights.cs: w[l][k][j] =
 * ((7k + 13j + 5l) mod 17 - 8) / (8 sqrt(n_in)), b[l][j] = ((3j + l) mod 5 - 2) / 100, computed in double and
 * rounded to float. The inputs are 64 rows of a fixed pattern, cycled; summing the outputs keeps every call live.
 * Usage: w4b_predict CALLS REPS
 * Output: "predict_ns" and one figure per repetition (ns per call), then "read_ns": the time to read every weight and
 * bias once and do nothing else (a sum in eight 64-byte vectors), the memory floor under any Predict of one row,
 * then "output0" and the 10 outputs of row 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N0 784
#define N1 128
#define N2 64
#define N3 10
#define ROWS 64

#define ALIGNED __attribute__((aligned(64)))
static float W1[N0 * N1] ALIGNED, b1[N1] ALIGNED, W2[N1 * N2] ALIGNED, b2[N2] ALIGNED, W3[N2 * N3] ALIGNED, b3[N3] ALIGNED;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void init_layer(float *w, float *b, int fan_in, int fan_out, int layer)
{
    for (int k = 0; k < fan_in; k++)
        for (int j = 0; j < fan_out; j++)
            w[k * fan_out + j] = (float)((double)((7 * k + 13 * j + 5 * layer) % 17 - 8) / (8.0 * sqrt((double)fan_in)));
    for (int j = 0; j < fan_out; j++)
        b[j] = (float)((double)((3 * j + layer) % 5 - 2) / 100.0);
}

/* One layer for one row: z = b, then z += x[k] * W[k][:] for each input k in order. */
static void dense(const float *x, const float *w, const float *b, float *z, int fan_in, int fan_out, int relu)
{
    for (int j = 0; j < fan_out; j++) z[j] = b[j];
    for (int k = 0; k < fan_in; k++) {
        const float xk = x[k];
        const float *row = w + (size_t)k * fan_out;
        for (int j = 0; j < fan_out; j++) z[j] += xk * row[j];
    }
    if (relu)
        for (int j = 0; j < fan_out; j++) z[j] = z[j] > 0.0f ? z[j] : 0.0f;
}

static void predict(const float *x, float *out)
{
    float a1[N1], a2[N2];
    dense(x, W1, b1, a1, N0, N1, 1);
    dense(a1, W2, b2, a2, N1, N2, 1);
    dense(a2, W3, b3, out, N2, N3, 0);
}

typedef float v16 __attribute__((vector_size(64)));

/* Sums n floats (n a multiple of 16, 64-byte aligned) in eight independent vectors: reads them at the cache's
 * bandwidth with no other work. noipa keeps GCC from hoisting the repeated calls out of the timing loop. */
__attribute__((noipa)) static float read_all(const float *p, long n)
{
    v16 s[8] = {0};
    long i = 0;
    for (; i + 128 <= n; i += 128)
        for (int v = 0; v < 8; v++) s[v] += *(const v16 *)(p + i + 16 * v);
    for (int v = 0; i < n; i += 16, v++) s[v] += *(const v16 *)(p + i);
    v16 t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    float r = 0;
    for (int j = 0; j < 16; j++) r += t[j];
    return r;
}

static float read_weights(void)
{
    /* Every array is 64-byte aligned and all but b3 hold a multiple of 16 floats. */
    float s = read_all(W1, N0 * N1) + read_all(W2, N1 * N2) + read_all(W3, N2 * N3) + read_all(b1, N1) + read_all(b2, N2);
    for (int i = 0; i < N3; i++) s += b3[i];
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s CALLS REPS\n", argv[0]);
        return 2;
    }
    long calls = atol(argv[1]);
    int reps = atoi(argv[2]);
    init_layer(W1, b1, N0, N1, 0);
    init_layer(W2, b2, N1, N2, 1);
    init_layer(W3, b3, N2, N3, 2);
    static float X[ROWS * N0];
    for (int i = 0; i < ROWS * N0; i++) X[i] = (float)((double)(i % 29 - 14) / 14.0);

    float out[N3];
    volatile float sink = 0.0f;
    for (long c = 0; c < calls / 10 + 1; c++) { predict(X + (c % ROWS) * N0, out); sink += out[0]; }
    printf("predict_ns");
    for (int r = 0; r < reps; r++) {
        double t0 = now_seconds();
        for (long c = 0; c < calls; c++) {
            predict(X + (c % ROWS) * N0, out);
            sink += out[c % N3];
        }
        printf(" %.3f", (now_seconds() - t0) * 1e9 / (double)calls);
    }
    printf("\nread_ns");
    for (int r = 0; r < reps; r++) {
        double t0 = now_seconds();
        for (long c = 0; c < calls; c++) sink += read_weights();
        printf(" %.3f", (now_seconds() - t0) * 1e9 / (double)calls);
    }
    predict(X, out);
    printf("\noutput0");
    for (int j = 0; j < N3; j++) printf(" %.9g", out[j]);
    printf("\n");
    return 0;
}
