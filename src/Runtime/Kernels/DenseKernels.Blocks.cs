using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

// The register blocks and the one-row remainder shared by MultiplyAdd (Z += A W) and MultiplyAddTransposed
// (G += A^T D). Each adds to a block of C the products of a strip of A and a panel of B (or, with `overwrite`, writes
// them over C, starting from zero without reading it: a weight gradient's first block of rows):
// C[i, j] += A(i, t) B[t, j] for t = 0 .. count - 1 in order, one fused multiply-add per term, where
// - c points at the block's first element of C and b at B[0, j0], rows cStride and bStride apart (B is W or D in
//   place, or a panel packed 16 values to a row by the packed products);
// - A(i, t) = a[i * aRow + t * aStep]: MultiplyAdd passes rows of A (aRow = inner, aStep = 1, t over the inner
//   dimension), MultiplyAddTransposed columns of A (aRow = 1, aStep = inner, t over the batch's rows).
// The two products differ only in those two strides, so they share the code; the inlined blocks see
// MultiplyAddTransposed's aRow = 1 as a constant. The blocks themselves stay three methods: each fixes its own register
// count (6 x 16 holds 12 accumulators, 4 x 16 eight, 8 x 32 sixteen, with their own loads and broadcasts per step),
// which a shape parameter would turn into arrays the JIT cannot keep in registers.
public static partial class DenseKernels
{
    // 6 rows x 16 columns: 12 accumulators in registers, one broadcast per row and two loads of B per step.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block6x16(ref float a, nint aRow, nint aStep, int count, ref float b, nint bStride, ref float c, nint cStride, bool overwrite = false)
    {
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        ref float c4 = ref Unsafe.Add(ref c3, cStride);
        ref float c5 = ref Unsafe.Add(ref c4, cStride);
        Vector256<float> s00 = Start(overwrite, ref c0), s01 = Start(overwrite, ref c0, 8);
        Vector256<float> s10 = Start(overwrite, ref c1), s11 = Start(overwrite, ref c1, 8);
        Vector256<float> s20 = Start(overwrite, ref c2), s21 = Start(overwrite, ref c2, 8);
        Vector256<float> s30 = Start(overwrite, ref c3), s31 = Start(overwrite, ref c3, 8);
        Vector256<float> s40 = Start(overwrite, ref c4), s41 = Start(overwrite, ref c4, 8);
        Vector256<float> s50 = Start(overwrite, ref c5), s51 = Start(overwrite, ref c5, 8);
        ref float at = ref a;
        ref float bt = ref b;
        for (int t = 0; t < count; t++)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref bt), b1 = Vector256.LoadUnsafe(ref bt, 8);
            Vector256<float> x = Vector256.Create(at);
            s00 = Fma.MultiplyAdd(x, b0, s00);
            s01 = Fma.MultiplyAdd(x, b1, s01);
            x = Vector256.Create(Unsafe.Add(ref at, aRow));
            s10 = Fma.MultiplyAdd(x, b0, s10);
            s11 = Fma.MultiplyAdd(x, b1, s11);
            x = Vector256.Create(Unsafe.Add(ref at, 2 * aRow));
            s20 = Fma.MultiplyAdd(x, b0, s20);
            s21 = Fma.MultiplyAdd(x, b1, s21);
            x = Vector256.Create(Unsafe.Add(ref at, 3 * aRow));
            s30 = Fma.MultiplyAdd(x, b0, s30);
            s31 = Fma.MultiplyAdd(x, b1, s31);
            x = Vector256.Create(Unsafe.Add(ref at, 4 * aRow));
            s40 = Fma.MultiplyAdd(x, b0, s40);
            s41 = Fma.MultiplyAdd(x, b1, s41);
            x = Vector256.Create(Unsafe.Add(ref at, 5 * aRow));
            s50 = Fma.MultiplyAdd(x, b0, s50);
            s51 = Fma.MultiplyAdd(x, b1, s51);
            at = ref Unsafe.Add(ref at, aStep);
            bt = ref Unsafe.Add(ref bt, bStride);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 8);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 8);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 8);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 8);
        s40.StoreUnsafe(ref c4);
        s41.StoreUnsafe(ref c4, 8);
        s50.StoreUnsafe(ref c5);
        s51.StoreUnsafe(ref c5, 8);
    }

    // 6 rows x 32 columns with 512-bit vectors, where the cores have AVX-512 (a Zen 5 core runs two 512-bit FMAs per
    // cycle, twice the 256-bit rate): 12 accumulators, two 16-column halves of B per step, b0 and b1, each bStride
    // apart per step (adjacent columns in place; two packed panels when packed). Every element gets the same fused
    // operations in the same order as in Block6x16, so both widths give the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block6x32(ref float a, nint aRow, nint aStep, int count, ref float b0, ref float b1, nint bStride, ref float c, nint cStride, bool overwrite = false)
    {
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        ref float c4 = ref Unsafe.Add(ref c3, cStride);
        ref float c5 = ref Unsafe.Add(ref c4, cStride);
        Vector512<float> s00 = StartWide(overwrite, ref c0), s01 = StartWide(overwrite, ref c0, 16);
        Vector512<float> s10 = StartWide(overwrite, ref c1), s11 = StartWide(overwrite, ref c1, 16);
        Vector512<float> s20 = StartWide(overwrite, ref c2), s21 = StartWide(overwrite, ref c2, 16);
        Vector512<float> s30 = StartWide(overwrite, ref c3), s31 = StartWide(overwrite, ref c3, 16);
        Vector512<float> s40 = StartWide(overwrite, ref c4), s41 = StartWide(overwrite, ref c4, 16);
        Vector512<float> s50 = StartWide(overwrite, ref c5), s51 = StartWide(overwrite, ref c5, 16);
        ref float at = ref a;
        ref float bt0 = ref b0;
        ref float bt1 = ref b1;
        for (int t = 0; t < count; t++)
        {
            Vector512<float> v0 = Vector512.LoadUnsafe(ref bt0), v1 = Vector512.LoadUnsafe(ref bt1);
            Vector512<float> x = Vector512.Create(at);
            s00 = Avx512F.FusedMultiplyAdd(x, v0, s00);
            s01 = Avx512F.FusedMultiplyAdd(x, v1, s01);
            x = Vector512.Create(Unsafe.Add(ref at, aRow));
            s10 = Avx512F.FusedMultiplyAdd(x, v0, s10);
            s11 = Avx512F.FusedMultiplyAdd(x, v1, s11);
            x = Vector512.Create(Unsafe.Add(ref at, 2 * aRow));
            s20 = Avx512F.FusedMultiplyAdd(x, v0, s20);
            s21 = Avx512F.FusedMultiplyAdd(x, v1, s21);
            x = Vector512.Create(Unsafe.Add(ref at, 3 * aRow));
            s30 = Avx512F.FusedMultiplyAdd(x, v0, s30);
            s31 = Avx512F.FusedMultiplyAdd(x, v1, s31);
            x = Vector512.Create(Unsafe.Add(ref at, 4 * aRow));
            s40 = Avx512F.FusedMultiplyAdd(x, v0, s40);
            s41 = Avx512F.FusedMultiplyAdd(x, v1, s41);
            x = Vector512.Create(Unsafe.Add(ref at, 5 * aRow));
            s50 = Avx512F.FusedMultiplyAdd(x, v0, s50);
            s51 = Avx512F.FusedMultiplyAdd(x, v1, s51);
            at = ref Unsafe.Add(ref at, aStep);
            bt0 = ref Unsafe.Add(ref bt0, bStride);
            bt1 = ref Unsafe.Add(ref bt1, bStride);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 16);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 16);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 16);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 16);
        s40.StoreUnsafe(ref c4);
        s41.StoreUnsafe(ref c4, 16);
        s50.StoreUnsafe(ref c5);
        s51.StoreUnsafe(ref c5, 16);
    }

    // 8 rows x 32 columns in 16 zmm accumulators, for the forward product: a batch of 64 rows is eight of these with no
    // remainder, and each pair of B loads feeds 16 FMAs instead of 12 (W4b's 64 rows: 88 -> 81 us on a Zen 5). Rows 0-3 and 4-7 are
    // addressed from two bases, so that every row is a base plus 0, 1, 2 or 3 row strides and the loop needs few
    // general registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8x32(ref float a, nint aRow, nint aStep, int count, ref float b0, ref float b1, nint bStride, ref float c, nint cStride)
    {
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        ref float c4 = ref Unsafe.Add(ref c3, cStride);
        ref float c5 = ref Unsafe.Add(ref c4, cStride);
        ref float c6 = ref Unsafe.Add(ref c5, cStride);
        ref float c7 = ref Unsafe.Add(ref c6, cStride);
        Vector512<float> s00 = Vector512.LoadUnsafe(ref c0), s01 = Vector512.LoadUnsafe(ref c0, 16);
        Vector512<float> s10 = Vector512.LoadUnsafe(ref c1), s11 = Vector512.LoadUnsafe(ref c1, 16);
        Vector512<float> s20 = Vector512.LoadUnsafe(ref c2), s21 = Vector512.LoadUnsafe(ref c2, 16);
        Vector512<float> s30 = Vector512.LoadUnsafe(ref c3), s31 = Vector512.LoadUnsafe(ref c3, 16);
        Vector512<float> s40 = Vector512.LoadUnsafe(ref c4), s41 = Vector512.LoadUnsafe(ref c4, 16);
        Vector512<float> s50 = Vector512.LoadUnsafe(ref c5), s51 = Vector512.LoadUnsafe(ref c5, 16);
        Vector512<float> s60 = Vector512.LoadUnsafe(ref c6), s61 = Vector512.LoadUnsafe(ref c6, 16);
        Vector512<float> s70 = Vector512.LoadUnsafe(ref c7), s71 = Vector512.LoadUnsafe(ref c7, 16);
        nint aRow3 = 3 * aRow;
        ref float at = ref a;
        ref float at4 = ref Unsafe.Add(ref a, 4 * aRow);
        ref float bt0 = ref b0;
        ref float bt1 = ref b1;
        for (int t = 0; t < count; t++)
        {
            Vector512<float> v0 = Vector512.LoadUnsafe(ref bt0), v1 = Vector512.LoadUnsafe(ref bt1);
            Vector512<float> x = Vector512.Create(at);
            s00 = Avx512F.FusedMultiplyAdd(x, v0, s00);
            s01 = Avx512F.FusedMultiplyAdd(x, v1, s01);
            x = Vector512.Create(Unsafe.Add(ref at, aRow));
            s10 = Avx512F.FusedMultiplyAdd(x, v0, s10);
            s11 = Avx512F.FusedMultiplyAdd(x, v1, s11);
            x = Vector512.Create(Unsafe.Add(ref at, 2 * aRow));
            s20 = Avx512F.FusedMultiplyAdd(x, v0, s20);
            s21 = Avx512F.FusedMultiplyAdd(x, v1, s21);
            x = Vector512.Create(Unsafe.Add(ref at, aRow3));
            s30 = Avx512F.FusedMultiplyAdd(x, v0, s30);
            s31 = Avx512F.FusedMultiplyAdd(x, v1, s31);
            x = Vector512.Create(at4);
            s40 = Avx512F.FusedMultiplyAdd(x, v0, s40);
            s41 = Avx512F.FusedMultiplyAdd(x, v1, s41);
            x = Vector512.Create(Unsafe.Add(ref at4, aRow));
            s50 = Avx512F.FusedMultiplyAdd(x, v0, s50);
            s51 = Avx512F.FusedMultiplyAdd(x, v1, s51);
            x = Vector512.Create(Unsafe.Add(ref at4, 2 * aRow));
            s60 = Avx512F.FusedMultiplyAdd(x, v0, s60);
            s61 = Avx512F.FusedMultiplyAdd(x, v1, s61);
            x = Vector512.Create(Unsafe.Add(ref at4, aRow3));
            s70 = Avx512F.FusedMultiplyAdd(x, v0, s70);
            s71 = Avx512F.FusedMultiplyAdd(x, v1, s71);
            at = ref Unsafe.Add(ref at, aStep);
            at4 = ref Unsafe.Add(ref at4, aStep);
            bt0 = ref Unsafe.Add(ref bt0, bStride);
            bt1 = ref Unsafe.Add(ref bt1, bStride);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 16);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 16);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 16);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 16);
        s40.StoreUnsafe(ref c4);
        s41.StoreUnsafe(ref c4, 16);
        s50.StoreUnsafe(ref c5);
        s51.StoreUnsafe(ref c5, 16);
        s60.StoreUnsafe(ref c6);
        s61.StoreUnsafe(ref c6, 16);
        s70.StoreUnsafe(ref c7);
        s71.StoreUnsafe(ref c7, 16);
    }

    // 4 rows x 16 columns, for 4 or 5 rows left over: 8 accumulators, one broadcast per row, two loads of B per step.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block4x16(ref float a, nint aRow, nint aStep, int count, ref float b, nint bStride, ref float c, nint cStride, bool overwrite = false)
    {
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c0, cStride);
        ref float c2 = ref Unsafe.Add(ref c1, cStride);
        ref float c3 = ref Unsafe.Add(ref c2, cStride);
        Vector256<float> s00 = Start(overwrite, ref c0), s01 = Start(overwrite, ref c0, 8);
        Vector256<float> s10 = Start(overwrite, ref c1), s11 = Start(overwrite, ref c1, 8);
        Vector256<float> s20 = Start(overwrite, ref c2), s21 = Start(overwrite, ref c2, 8);
        Vector256<float> s30 = Start(overwrite, ref c3), s31 = Start(overwrite, ref c3, 8);
        ref float at = ref a;
        ref float bt = ref b;
        for (int t = 0; t < count; t++)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref bt), b1 = Vector256.LoadUnsafe(ref bt, 8);
            Vector256<float> x = Vector256.Create(at);
            s00 = Fma.MultiplyAdd(x, b0, s00);
            s01 = Fma.MultiplyAdd(x, b1, s01);
            x = Vector256.Create(Unsafe.Add(ref at, aRow));
            s10 = Fma.MultiplyAdd(x, b0, s10);
            s11 = Fma.MultiplyAdd(x, b1, s11);
            x = Vector256.Create(Unsafe.Add(ref at, 2 * aRow));
            s20 = Fma.MultiplyAdd(x, b0, s20);
            s21 = Fma.MultiplyAdd(x, b1, s21);
            x = Vector256.Create(Unsafe.Add(ref at, 3 * aRow));
            s30 = Fma.MultiplyAdd(x, b0, s30);
            s31 = Fma.MultiplyAdd(x, b1, s31);
            at = ref Unsafe.Add(ref at, aStep);
            bt = ref Unsafe.Add(ref bt, bStride);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, 8);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, 8);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, 8);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, 8);
    }

    // 1 row x 16 columns, for the rows the 6- and 4-row blocks leave: two accumulators, the same terms in the same order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1x16(ref float a, nint aStep, int count, ref float b, ref float c, bool overwrite = false)
    {
        Vector256<float> s0 = Start(overwrite, ref c), s1 = Start(overwrite, ref c, 8);
        ref float at = ref a;
        ref float bt = ref b;
        for (int t = 0; t < count; t++)
        {
            Vector256<float> x = Vector256.Create(at);
            s0 = Fma.MultiplyAdd(x, Vector256.LoadUnsafe(ref bt), s0);
            s1 = Fma.MultiplyAdd(x, Vector256.LoadUnsafe(ref bt, 8), s1);
            at = ref Unsafe.Add(ref at, aStep);
            bt = ref Unsafe.Add(ref bt, KernelGeometry.PanelColumns);
        }

        s0.StoreUnsafe(ref c);
        s1.StoreUnsafe(ref c, 8);
    }

    // One row of C (cRow at its first element) from column j to `columns` (16 columns at a time, up to a multiple of
    // 16), B's rows bStride apart, with the same fused operations in the same order as the blocks, so a row's result does
    // not depend on the block it fell in. A(0, t) = a[t * aStep].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTail(ref float a, nint aStep, int count, ref float b, int columns, nint bStride, ref float cRow, int j, bool overwrite = false)
    {
        for (; j + 16 <= columns; j += 16)
        {
            ref float cj = ref Unsafe.Add(ref cRow, j);
            Vector256<float> s0 = Start(overwrite, ref cj), s1 = Start(overwrite, ref cj, 8);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < count; t++)
            {
                Vector256<float> x = Vector256.Create(at);
                s0 = Fma.MultiplyAdd(x, Vector256.LoadUnsafe(ref bt), s0);
                s1 = Fma.MultiplyAdd(x, Vector256.LoadUnsafe(ref bt, 8), s1);
                at = ref Unsafe.Add(ref at, aStep);
                bt = ref Unsafe.Add(ref bt, bStride);
            }

            s0.StoreUnsafe(ref cj);
            s1.StoreUnsafe(ref cj, 8);
        }
    }

    // A block's starting sums: C's values, or zeros when the product overwrites C instead of adding to it (a weight
    // gradient's first block of rows). Zeros are what a cleared C held, so the bits are the same either way.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Start(bool overwrite, ref float c, nuint offset = 0) =>
        overwrite ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref c, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> StartWide(bool overwrite, ref float c, nuint offset = 0) =>
        overwrite ? Vector512<float>.Zero : Vector512.LoadUnsafe(ref c, offset);
}
