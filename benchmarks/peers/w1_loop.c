/*
 * W1 peer: a plain C loop for the 8-4-1 network (ReLU hidden, Sigmoid output, MSE),
 * full-batch gradient descent, float32, exactly the math of shared/design/math.md:
 *
 *   Z1 = X*W1 + b1, A1 = relu(Z1), Z2 = A1*W2 + b2, P = sigmoid(Z2)
 *   f = sum((P - Y)^2) / m,  dP = (2/m)(P - Y),  dZ2 = dP * P(1-P)
 *   dW2 = A1^T dZ2, db2 = sum dZ2, dA1 = dZ2 W2^T, dZ1 = dA1 * (Z1 > 0)
 *   dW1 = X^T dZ1,  db1 = sum dZ1,  p -= lr * g
 *
 * It is written the way a person would write it: one loop over the examples per step,
 * accumulating the gradients, then the update. No intrinsics, no OpenMP. Build with
 *   gcc -O3 -march=native w1_loop.c -o w1_loop -lm
 * (deliberately without -ffast-math: the example loop is a float reduction, which GCC
 * will not reorder or vectorize without it, as in any C program written to the standard).
 *
 * Input: a binary file written by run_peers.py: int32 m, then float32 X[m*8], Y[m],
 * W1[8*4] (row-major, n_in x n_out), b1[4], W2[4*1], b2[1].
 * Usage: w1_loop FILE STEPS REPS [PREDICT_CALLS]
 * Output (one "key value..." per line): train_seconds per rep, final_loss, and, when
 * PREDICT_CALLS > 0 and m >= 1024, predict_ns per rep (one example through 8-4-1, ns per call,
 * cycling through the first 1024 training inputs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N0 8
#define N1 4
#define N2 1

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    float W1[N0 * N1], b1[N1], W2[N1 * N2], b2[N2];
} Params;

static void train(const float *X, const float *Y, int m, int steps, float lr, Params *p)
{
    const float scale = 2.0f / (float)m;
    for (int step = 0; step < steps; step++) {
        float gW1[N0 * N1] = {0}, gb1[N1] = {0}, gW2[N1 * N2] = {0}, gb2[N2] = {0};
        for (int e = 0; e < m; e++) {
            const float *x = X + (size_t)e * N0;
            float z1[N1], a1[N1];
            for (int j = 0; j < N1; j++) {
                float z = p->b1[j];
                for (int i = 0; i < N0; i++) z += x[i] * p->W1[i * N1 + j];
                z1[j] = z;
                a1[j] = z > 0.0f ? z : 0.0f;
            }
            float z2 = p->b2[0];
            for (int j = 0; j < N1; j++) z2 += a1[j] * p->W2[j];
            float pr = 1.0f / (1.0f + expf(-z2));
            float dz2 = scale * (pr - Y[e]) * pr * (1.0f - pr);
            gb2[0] += dz2;
            for (int j = 0; j < N1; j++) {
                gW2[j] += a1[j] * dz2;
                float dz1 = z1[j] > 0.0f ? dz2 * p->W2[j] : 0.0f;
                gb1[j] += dz1;
                for (int i = 0; i < N0; i++) gW1[i * N1 + j] += x[i] * dz1;
            }
        }
        for (int k = 0; k < N0 * N1; k++) p->W1[k] -= lr * gW1[k];
        for (int k = 0; k < N1; k++) p->b1[k] -= lr * gb1[k];
        for (int k = 0; k < N1 * N2; k++) p->W2[k] -= lr * gW2[k];
        p->b2[0] -= lr * gb2[0];
    }
}

static float predict(const float *x, const Params *p)
{
    float z2 = p->b2[0];
    for (int j = 0; j < N1; j++) {
        float z = p->b1[j];
        for (int i = 0; i < N0; i++) z += x[i] * p->W1[i * N1 + j];
        z2 += (z > 0.0f ? z : 0.0f) * p->W2[j];
    }
    return 1.0f / (1.0f + expf(-z2));
}

static double loss(const float *X, const float *Y, int m, const Params *p)
{
    double s = 0.0;
    for (int e = 0; e < m; e++) {
        float d = predict(X + (size_t)e * N0, p) - Y[e];
        s += (double)d * d;
    }
    return s / m;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE STEPS REPS [PREDICT_CALLS]\n", argv[0]);
        return 2;
    }
    int steps = atoi(argv[2]), reps = atoi(argv[3]);
    long predict_calls = argc > 4 ? atol(argv[4]) : 0;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    int m;
    if (fread(&m, sizeof m, 1, f) != 1 || m <= 0) { fprintf(stderr, "bad header\n"); return 1; }
    float *X = malloc(sizeof(float) * (size_t)m * N0), *Y = malloc(sizeof(float) * (size_t)m);
    Params init;
    if (fread(X, sizeof(float), (size_t)m * N0, f) != (size_t)m * N0 ||
        fread(Y, sizeof(float), (size_t)m, f) != (size_t)m ||
        fread(init.W1, sizeof(float), N0 * N1, f) != N0 * N1 ||
        fread(init.b1, sizeof(float), N1, f) != N1 ||
        fread(init.W2, sizeof(float), N1 * N2, f) != N1 * N2 ||
        fread(init.b2, sizeof(float), N2, f) != N2) {
        fprintf(stderr, "short file\n");
        return 1;
    }
    fclose(f);

    Params p;
    /* Warm-up (caches, frequency), then timed repetitions, each from the same initial parameters. */
    memcpy(&p, &init, sizeof p);
    train(X, Y, m, steps / 10 > 0 ? steps / 10 : 1, 0.1f, &p);
    printf("train_seconds");
    for (int r = 0; r < reps; r++) {
        memcpy(&p, &init, sizeof p);
        double t0 = now_seconds();
        train(X, Y, m, steps, 0.1f, &p);
        printf(" %.9f", now_seconds() - t0);
    }
    printf("\nfinal_loss %.9g\n", loss(X, Y, m, &p));

    if (predict_calls > 0 && m >= 1024) {
        /* Cycle through the training inputs; summing the outputs keeps every call live. */
        volatile float sink = 0.0f;
        printf("predict_ns");
        for (int r = 0; r < reps; r++) {
            float acc = 0.0f;
            double t0 = now_seconds();
            for (long c = 0; c < predict_calls; c++) acc += predict(X + (size_t)(c & 1023) * N0, &p);
            double dt = now_seconds() - t0;
            sink += acc;
            printf(" %.4f", 1e9 * dt / (double)predict_calls);
        }
        printf("\n");
        (void)sink;
    }
    free(X);
    free(Y);
    return 0;
}
