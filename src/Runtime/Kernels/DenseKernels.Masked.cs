using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

// The last 1 to 15 columns of a product, those past its 16-column panels (all 10 of a 10-class output layer), in masked
// vector loads and stores: 8 rows' columns in 8 vector chains side by side, where 6 rows ran an 8-column chain each and
// then one scalar chain per column left (64 x 64 x 10 on a Zen 5: 1.1 us against 3.1-3.4 us forward, 1.1 against 2.7
// us for its weight gradient). The same terms, one fused multiply-add each, in the same order, so the bits are those of
// any other block. A(i, t), B and C as in DenseKernels.Blocks.cs.
public static partial class DenseKernels
{
    // Rows per masked block: with AVX-512, 8 rows of one 16-lane vector; otherwise 4 rows of two 8-lane vectors. Either
    // way 8 accumulators, enough chains to keep both FMA pipes busy.
    private static int MaskedRows => Wide ? 8 : 4;

    // Columns 0 .. width - 1 (width below 16) of rows 0 .. rows - 1 of C from b and c on; with `overwrite`, C's values
    // are not read: the sums start from zero (Start in Blocks.cs).
    private static void MaskedColumns(ref float a, nint aRow, nint aStep, int rows, int count, ref float b, nint bStride, ref float c, nint cStride, int width, bool overwrite = false)
    {
        for (int r0 = 0; r0 < rows; r0 += MaskedRows)
        {
            int blockRows = Math.Min(MaskedRows, rows - r0);
            ref float aBlock = ref Unsafe.Add(ref a, r0 * aRow);
            ref float cBlock = ref Unsafe.Add(ref c, r0 * cStride);
            if (blockRows == 1)
            {
                MaskedRow(ref aBlock, aStep, count, ref b, bStride, ref cBlock, width, overwrite);
            }
            else if (Wide)
            {
                Masked8x16(ref aBlock, aRow, aStep, count, ref b, bStride, ref cBlock, cStride, width, blockRows, overwrite);
            }
            else
            {
                Masked4x16(ref aBlock, aRow, aStep, count, ref b, bStride, ref cBlock, cStride, width, blockRows, overwrite);
            }
        }
    }

    // The offset of row i of a block of blockRows rows, `step` apart. A last block with fewer rows than the kernel's
    // registers points the rows it lacks at its row 0: they compute row 0's sums again, from the same values in the same
    // order, and are not stored. That keeps one kernel for every row count; the copies cost no time while the block's
    // few real chains wait on the FMA's latency.
    private static nint RowOffset(int i, int blockRows, nint step) => i < blockRows ? i * step : 0;

    // 8 rows x up to 16 columns, in one 512-bit vector per row. The masked loads and stores are 256-bit (VMASKMOVPS,
    // which the runtime's .NET 8 target has for every width up to 256 bits); each step joins B's two halves into the one
    // 512-bit vector the 8 rows multiply.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Masked8x16(ref float a, nint aRow, nint aStep, int count, ref float b, nint bStride, ref float c, nint cStride, int width, int blockRows, bool overwrite)
    {
        (Vector256<float> mask0, Vector256<float> mask1) = HalfMasks(width);
        (Vector256<float> cMask0, Vector256<float> cMask1) = overwrite ? default : (mask0, mask1); // an empty mask loads zeros
        nint a1 = RowOffset(1, blockRows, aRow), a2 = RowOffset(2, blockRows, aRow), a3 = RowOffset(3, blockRows, aRow);
        nint a4 = RowOffset(4, blockRows, aRow), a5 = RowOffset(5, blockRows, aRow), a6 = RowOffset(6, blockRows, aRow);
        nint a7 = RowOffset(7, blockRows, aRow);
        fixed (float* pa = &a, pb = &b, pc = &c)
        {
            float* c0 = pc, c1 = pc + RowOffset(1, blockRows, cStride), c2 = pc + RowOffset(2, blockRows, cStride);
            float* c3 = pc + RowOffset(3, blockRows, cStride), c4 = pc + RowOffset(4, blockRows, cStride);
            float* c5 = pc + RowOffset(5, blockRows, cStride), c6 = pc + RowOffset(6, blockRows, cStride);
            float* c7 = pc + RowOffset(7, blockRows, cStride);
            Vector512<float> s0 = MaskLoad512(c0, cMask0, cMask1), s1 = MaskLoad512(c1, cMask0, cMask1);
            Vector512<float> s2 = MaskLoad512(c2, cMask0, cMask1), s3 = MaskLoad512(c3, cMask0, cMask1);
            Vector512<float> s4 = MaskLoad512(c4, cMask0, cMask1), s5 = MaskLoad512(c5, cMask0, cMask1);
            Vector512<float> s6 = MaskLoad512(c6, cMask0, cMask1), s7 = MaskLoad512(c7, cMask0, cMask1);
            float* at = pa;
            float* bt = pb;
            for (int t = 0; t < count; t++)
            {
                Vector512<float> v = MaskLoad512(bt, mask0, mask1);
                s0 = Avx512F.FusedMultiplyAdd(Vector512.Create(*at), v, s0);
                s1 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a1]), v, s1);
                s2 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a2]), v, s2);
                s3 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a3]), v, s3);
                s4 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a4]), v, s4);
                s5 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a5]), v, s5);
                s6 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a6]), v, s6);
                s7 = Avx512F.FusedMultiplyAdd(Vector512.Create(at[a7]), v, s7);
                at += aStep;
                bt += bStride;
            }

            // The rows of the block only: a copy's store would write row 0's bits again.
            MaskStore512(c0, width, mask0, mask1, s0);
            if (blockRows > 1) { MaskStore512(c1, width, mask0, mask1, s1); }
            if (blockRows > 2) { MaskStore512(c2, width, mask0, mask1, s2); }
            if (blockRows > 3) { MaskStore512(c3, width, mask0, mask1, s3); }
            if (blockRows > 4) { MaskStore512(c4, width, mask0, mask1, s4); }
            if (blockRows > 5) { MaskStore512(c5, width, mask0, mask1, s5); }
            if (blockRows > 6) { MaskStore512(c6, width, mask0, mask1, s6); }
            if (blockRows > 7) { MaskStore512(c7, width, mask0, mask1, s7); }
        }
    }

    // The lanes of columns 0 .. width - 1 of 16, as the two 256-bit masks VMASKMOVPS reads (all bits set: load or store
    // the lane; clear: skip it, without touching its memory).
    private static (Vector256<float> Low, Vector256<float> High) HalfMasks(int width)
    {
        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        return (Vector256.LessThan(lanes, Vector256.Create(width)).AsSingle(), Vector256.LessThan(lanes, Vector256.Create(width - 8)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> MaskLoad512(float* p, Vector256<float> mask0, Vector256<float> mask1) =>
        Vector512.Create(Avx.MaskLoad(p, mask0), Avx.MaskLoad(p + 8, mask1));

    // One row (Predict of one example, the last row of an odd batch): its two chains of 256-bit vectors, without the
    // copies of row 0 a block would compute (the same time, since one chain waits for each FMA, but fewer loads and
    // stores around the loop).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MaskedRow(ref float a, nint aStep, int count, ref float b, nint bStride, ref float c, int width, bool overwrite)
    {
        (Vector256<float> mask0, Vector256<float> mask1) = HalfMasks(width);
        (Vector256<float> cMask0, Vector256<float> cMask1) = overwrite ? default : (mask0, mask1); // an empty mask loads zeros
        fixed (float* pa = &a, pb = &b, pc = &c)
        {
            Vector256<float> s0 = Avx.MaskLoad(pc, cMask0), s1 = Avx.MaskLoad(pc + 8, cMask1);
            float* at = pa;
            float* bt = pb;
            for (int t = 0; t < count; t++)
            {
                Vector256<float> x = Vector256.Create(*at);
                s0 = Fma.MultiplyAdd(x, Avx.MaskLoad(bt, mask0), s0);
                s1 = Fma.MultiplyAdd(x, Avx.MaskLoad(bt + 8, mask1), s1);
                at += aStep;
                bt += bStride;
            }

            MaskStore256(pc, width, mask0, s0);
            MaskStore256(pc + 8, width - 8, mask1, s1);
        }
    }

    // A row's 16 lanes to columns 0 .. width - 1: a half wholly inside goes in a plain store, a half wholly outside in
    // none, and only a half cut by the last column in a masked store.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MaskStore512(float* p, int width, Vector256<float> mask0, Vector256<float> mask1, Vector512<float> value)
    {
        MaskStore256(p, width, mask0, value.GetLower());
        MaskStore256(p + 8, width - 8, mask1, value.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MaskStore256(float* p, int width, Vector256<float> mask, Vector256<float> value)
    {
        if (width >= 8)
        {
            value.Store(p);
        }
        else if (width > 0)
        {
            Avx.MaskStore(p, mask, value);
        }
    }

    // 4 rows x up to 16 columns, in two 256-bit vectors per row (the second all masked off below 9 columns).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Masked4x16(ref float a, nint aRow, nint aStep, int count, ref float b, nint bStride, ref float c, nint cStride, int width, int blockRows, bool overwrite)
    {
        (Vector256<float> mask0, Vector256<float> mask1) = HalfMasks(width);
        (Vector256<float> cMask0, Vector256<float> cMask1) = overwrite ? default : (mask0, mask1); // an empty mask loads zeros
        nint a1 = RowOffset(1, blockRows, aRow), a2 = RowOffset(2, blockRows, aRow), a3 = RowOffset(3, blockRows, aRow);
        fixed (float* pa = &a, pb = &b, pc = &c)
        {
            float* c0 = pc, c1 = pc + RowOffset(1, blockRows, cStride);
            float* c2 = pc + RowOffset(2, blockRows, cStride), c3 = pc + RowOffset(3, blockRows, cStride);
            Vector256<float> s00 = Avx.MaskLoad(c0, cMask0), s01 = Avx.MaskLoad(c0 + 8, cMask1);
            Vector256<float> s10 = Avx.MaskLoad(c1, cMask0), s11 = Avx.MaskLoad(c1 + 8, cMask1);
            Vector256<float> s20 = Avx.MaskLoad(c2, cMask0), s21 = Avx.MaskLoad(c2 + 8, cMask1);
            Vector256<float> s30 = Avx.MaskLoad(c3, cMask0), s31 = Avx.MaskLoad(c3 + 8, cMask1);
            float* at = pa;
            float* bt = pb;
            for (int t = 0; t < count; t++)
            {
                Vector256<float> v0 = Avx.MaskLoad(bt, mask0), v1 = Avx.MaskLoad(bt + 8, mask1);
                Vector256<float> x = Vector256.Create(*at);
                s00 = Fma.MultiplyAdd(x, v0, s00);
                s01 = Fma.MultiplyAdd(x, v1, s01);
                x = Vector256.Create(at[a1]);
                s10 = Fma.MultiplyAdd(x, v0, s10);
                s11 = Fma.MultiplyAdd(x, v1, s11);
                x = Vector256.Create(at[a2]);
                s20 = Fma.MultiplyAdd(x, v0, s20);
                s21 = Fma.MultiplyAdd(x, v1, s21);
                x = Vector256.Create(at[a3]);
                s30 = Fma.MultiplyAdd(x, v0, s30);
                s31 = Fma.MultiplyAdd(x, v1, s31);
                at += aStep;
                bt += bStride;
            }

            MaskStore256(c0, width, mask0, s00);
            MaskStore256(c0 + 8, width - 8, mask1, s01);
            if (blockRows > 1)
            {
                MaskStore256(c1, width, mask0, s10);
                MaskStore256(c1 + 8, width - 8, mask1, s11);
            }

            if (blockRows > 2)
            {
                MaskStore256(c2, width, mask0, s20);
                MaskStore256(c2 + 8, width - 8, mask1, s21);
            }

            if (blockRows > 3)
            {
                MaskStore256(c3, width, mask0, s30);
                MaskStore256(c3 + 8, width - 8, mask1, s31);
            }
        }
    }
}
