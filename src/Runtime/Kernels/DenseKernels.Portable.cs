using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

public static partial class DenseKernels
{
    // The products without FMA hardware (a native publish for the x64 baseline, docs/aot.md; arm64; older x64 parts),
    // after MultiplyAdd's and MultiplyAddTransposed's argument checks. Internal so that tests run them on any machine.
    internal static void PortableMultiplyAdd(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> w, int columns, Span<float> z) =>
        PortableProduct(ref MemoryMarshal.GetReference(a), inner, 1, rows, inner, ref MemoryMarshal.GetReference(w), columns, columns, ref MemoryMarshal.GetReference(z), columns);

    internal static void PortableMultiplyAddTransposed(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> d, int columns, Span<float> g, bool overwrite)
    {
        if (overwrite)
        {
            g.Slice(0, inner * columns).Clear();
        }

        PortableProduct(ref MemoryMarshal.GetReference(a), 1, inner, inner, rows, ref MemoryMarshal.GetReference(d), columns, columns, ref MemoryMarshal.GetReference(g), columns);
    }

    // C[i, j] += sum_t A(i, t) B[t, j] with 128-bit vectors, which every 64-bit processor .NET runs on has (SSE2 on
    // x64, AdvSimd on arm64): rows of C four at a time, eight columns in eight accumulators, so that each value of A
    // and each load of B serves several multiply-adds instead of one row of B streaming through memory per term. Each
    // term is a separate multiply and add, in the order of the sum, exactly as for a row alone (PortableRow), so a
    // row's result does not depend on its block. A(i, t) is a[i * aRow + t * aStep]: the forward product reads A's
    // rows (aRow = inner, aStep = 1), the weight gradient its columns (aRow = 1, aStep = inner).
    private static void PortableProduct(ref float a, nint aRow, nint aStep, int rows, int count, ref float b, nint bStride, int columns, ref float c, nint cStride)
    {
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            ref float aRows = ref Unsafe.Add(ref a, i * aRow);
            ref float cRows = ref Unsafe.Add(ref c, i * cStride);
            int j = 0;
            for (; j + 8 <= columns; j += 8)
            {
                Portable4x8(ref aRows, aRow, aStep, count, ref Unsafe.Add(ref b, j), bStride, ref Unsafe.Add(ref cRows, j), cStride);
            }

            for (int row = 0; row < 4; row++)
            {
                PortableRow(ref Unsafe.Add(ref aRows, row * aRow), aStep, count, ref b, bStride, columns, ref Unsafe.Add(ref cRows, row * cStride), j);
            }
        }

        for (; i < rows; i++)
        {
            PortableRow(ref Unsafe.Add(ref a, i * aRow), aStep, count, ref b, bStride, columns, ref Unsafe.Add(ref c, i * cStride), 0);
        }
    }

    private static void Portable4x8(ref float a, nint aRow, nint aStep, int count, ref float b, nint bStride, ref float c, nint cStride)
    {
        ref float c1 = ref Unsafe.Add(ref c, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        Vector128<float> s00 = Vector128.LoadUnsafe(ref c), s01 = Vector128.LoadUnsafe(ref c, 4);
        Vector128<float> s10 = Vector128.LoadUnsafe(ref c1), s11 = Vector128.LoadUnsafe(ref c1, 4);
        Vector128<float> s20 = Vector128.LoadUnsafe(ref c2), s21 = Vector128.LoadUnsafe(ref c2, 4);
        Vector128<float> s30 = Vector128.LoadUnsafe(ref c3), s31 = Vector128.LoadUnsafe(ref c3, 4);
        ref float at = ref a;
        ref float bt = ref b;
        for (int t = 0; t < count; t++)
        {
            Vector128<float> v0 = Vector128.LoadUnsafe(ref bt), v1 = Vector128.LoadUnsafe(ref bt, 4);
            Vector128<float> x = Vector128.Create(at);
            s00 += x * v0;
            s01 += x * v1;
            x = Vector128.Create(Unsafe.Add(ref at, aRow));
            s10 += x * v0;
            s11 += x * v1;
            x = Vector128.Create(Unsafe.Add(ref at, 2 * aRow));
            s20 += x * v0;
            s21 += x * v1;
            x = Vector128.Create(Unsafe.Add(ref at, 3 * aRow));
            s30 += x * v0;
            s31 += x * v1;
            at = ref Unsafe.Add(ref at, aStep);
            bt = ref Unsafe.Add(ref bt, bStride);
        }

        s00.StoreUnsafe(ref c);
        s01.StoreUnsafe(ref c, 4);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 4);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 4);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 4);
    }

    // One row of C from column j on: sixteen columns in four accumulators (independent chains, so that one example's
    // Predict is not held up by the latency of each add), then four to a vector, then one at a time; the same
    // operations as Portable4x8.
    private static void PortableRow(ref float a, nint aStep, int count, ref float b, nint bStride, int columns, ref float c, int j)
    {
        for (; j + 16 <= columns; j += 16)
        {
            ref float cj = ref Unsafe.Add(ref c, j);
            Vector128<float> s0 = Vector128.LoadUnsafe(ref cj), s1 = Vector128.LoadUnsafe(ref cj, 4);
            Vector128<float> s2 = Vector128.LoadUnsafe(ref cj, 8), s3 = Vector128.LoadUnsafe(ref cj, 12);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < count; t++)
            {
                Vector128<float> x = Vector128.Create(at);
                s0 += x * Vector128.LoadUnsafe(ref bt);
                s1 += x * Vector128.LoadUnsafe(ref bt, 4);
                s2 += x * Vector128.LoadUnsafe(ref bt, 8);
                s3 += x * Vector128.LoadUnsafe(ref bt, 12);
                at = ref Unsafe.Add(ref at, aStep);
                bt = ref Unsafe.Add(ref bt, bStride);
            }

            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 4);
            s2.StoreUnsafe(ref cj, 8);
            s3.StoreUnsafe(ref cj, 12);
        }

        for (; j + 4 <= columns; j += 4)
        {
            ref float cj = ref Unsafe.Add(ref c, j);
            Vector128<float> s = Vector128.LoadUnsafe(ref cj);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < count; t++)
            {
                s += Vector128.Create(at) * Vector128.LoadUnsafe(ref bt);
                at = ref Unsafe.Add(ref at, aStep);
                bt = ref Unsafe.Add(ref bt, bStride);
            }

            s.StoreUnsafe(ref cj);
        }

        for (; j < columns; j++)
        {
            ref float cj = ref Unsafe.Add(ref c, j);
            float s = cj;
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < count; t++)
            {
                s += at * bt;
                at = ref Unsafe.Add(ref at, aStep);
                bt = ref Unsafe.Add(ref bt, bStride);
            }

            cj = s;
        }
    }
}
