using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

public static partial class DenseKernels
{
    /// <summary>
    /// Adds the product of row-major matrices to <paramref name="z"/>: <c>Z[r, j] += sum_k A[r, k] W[k, j]</c>, summing
    /// over <c>k</c> in order with one fused multiply-add per term, so every row gets bit-identical results whatever
    /// its position in the batch. (Without FMA hardware each term is a separate multiply and add: rows are still
    /// independent of their position, but results differ from FMA machines in the last bits.)
    /// </summary>
    /// <param name="a">A, <paramref name="rows"/> x <paramref name="inner"/>.</param>
    /// <param name="rows">The number of rows of A and Z.</param>
    /// <param name="inner">Columns of A, rows of W.</param>
    /// <param name="w">W, <paramref name="inner"/> x <paramref name="columns"/>.</param>
    /// <param name="columns">Columns of W and Z.</param>
    /// <param name="z">Z, <paramref name="rows"/> x <paramref name="columns"/>; holds the addend (for example the bias) on entry.</param>
    public static void MultiplyAdd(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> w, int columns, Span<float> z)
    {
        if (a.Length < rows * inner || w.Length < inner * columns || z.Length < rows * columns)
        {
            throw new ArgumentException("A span is shorter than its matrix.");
        }

        if (!Fma.IsSupported)
        {
            PortableMultiplyAdd(a, rows, inner, w, columns, z);
            return;
        }

        if (ProductTeam.Parts((long)rows * inner * columns, columns / ColumnBlock) is > 1 and int parts)
        {
            ProductTeam.SplitForward(a, rows, inner, w, columns, z, parts);
            return;
        }

        MultiplyAddColumns(ref MemoryMarshal.GetReference(a), rows, inner, inner, ref MemoryMarshal.GetReference(w), columns, columns, ref MemoryMarshal.GetReference(z));
    }

    // The FMA blocks over `columns` columns of W and Z from wRef and zRef on, their rows `stride` values apart, and
    // `inner` terms of each sum from A's rows, `aStride` values apart: all of a product, or a thread's share of a split
    // one (some of the columns, or some of the terms of some of the rows), each element's terms added exactly as when
    // one thread does them all.
    internal static void MultiplyAddColumns(ref float aRef, int rows, int inner, nint aStride, ref float wRef, int columns, nint stride, ref float zRef)
    {
        // The rows the register blocks cover; the rest go one by one to Tail. 256-bit: blocks of 6, then one block of 4
        // if 4 or 5 are left. 512-bit: every row of an even count of 4 or more, in 8s with at most one 6 and one 4
        // (so that the 8-row groups of a chained forward product run as one 8-row block, not as 6 rows and two tails).
        int blockedEnd = Wide && rows >= RowBlock
            ? rows - (rows % 2)
            : rows - (rows % WideRowBlock) + (rows % WideRowBlock >= RowBlock ? RowBlock : 0);

        // How the 16-column panels (after the 32-column pairs of the 512-bit path) cover those rows: 6s, then 4s (an
        // even count of 4 or more is 6s and at most two 4s: ... + 4 leaves 4 after the 6s, ... + 8 leaves 2).
        int fourRowBlocks = (blockedEnd % WideRowBlock) switch { 0 => 0, RowBlock => 1, _ => 2 };
        int sixRowEnd = blockedEnd - (fourRowBlocks * RowBlock);

        // The inner dimension in slices of InnerBlock, and within a slice one 16-column panel of W at a time for
        // every block of rows: the panel (InnerBlock x 16 values, 16 KB) stays in the L1 cache while the rows pass over
        // it, instead of all of W being read from L2 once per block of rows.
        for (int k0 = 0; k0 < inner; k0 += InnerBlock)
        {
            int count = Math.Min(InnerBlock, inner - k0);
            ref float aSlice = ref Unsafe.Add(ref aRef, k0);
            ref float wSlice = ref Unsafe.Add(ref wRef, k0 * stride);
            int j0 = 0;
            if (Wide)
            {
                // 8s, then at most one 6 and one 4 (a remainder of 2 after the 8s becomes 6 + 4).
                int eightRowEnd = blockedEnd - (blockedEnd % WideBlockRows);
                eightRowEnd -= blockedEnd - eightRowEnd == 2 ? WideBlockRows : 0;
                for (; j0 + (2 * ColumnBlock) <= columns; j0 += 2 * ColumnBlock)
                {
                    ref float wPanel = ref Unsafe.Add(ref wSlice, j0);
                    ref float wNext = ref Unsafe.Add(ref wPanel, ColumnBlock);
                    int r0 = 0;
                    for (; r0 < eightRowEnd; r0 += WideBlockRows)
                    {
                        Block8x32(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wPanel, ref wNext, stride, ref Unsafe.Add(ref zRef, (r0 * stride) + j0), stride);
                    }

                    if (blockedEnd - r0 >= WideRowBlock)
                    {
                        Block6x32(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wPanel, ref wNext, stride, ref Unsafe.Add(ref zRef, (r0 * stride) + j0), stride);
                        r0 += WideRowBlock;
                    }

                    if (blockedEnd - r0 >= RowBlock)
                    {
                        ref float zRows = ref Unsafe.Add(ref zRef, (r0 * stride) + j0);
                        Block4x16(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wPanel, stride, ref zRows, stride);
                        Block4x16(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wNext, stride, ref Unsafe.Add(ref zRows, ColumnBlock), stride);
                    }
                }
            }

            for (; j0 + ColumnBlock <= columns; j0 += ColumnBlock)
            {
                ref float wPanel = ref Unsafe.Add(ref wSlice, j0);
                for (int r0 = 0; r0 < sixRowEnd; r0 += WideRowBlock)
                {
                    Block6x16(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wPanel, stride, ref Unsafe.Add(ref zRef, (r0 * stride) + j0), stride);
                }

                for (int r0 = sixRowEnd; r0 < blockedEnd; r0 += RowBlock)
                {
                    Block4x16(ref Unsafe.Add(ref aSlice, r0 * aStride), aStride, 1, count, ref wPanel, stride, ref Unsafe.Add(ref zRef, (r0 * stride) + j0), stride);
                }
            }

            // The columns past the 16-column panels (1 to 15) for every row in masked vectors; the rows the blocks left
            // (at most three) up to the panels' end one by one.
            if (j0 < columns)
            {
                MaskedColumns(ref aSlice, aStride, 1, rows, count, ref Unsafe.Add(ref wSlice, j0), stride, ref Unsafe.Add(ref zRef, j0), stride, columns - j0);
            }

            for (int r = blockedEnd; r < rows; r++)
            {
                Tail(ref aSlice, r, aStride, count, ref wSlice, j0, stride, ref zRef);
            }
        }
    }

    // One row's columns up to `columns` (a multiple of 16): with AVX-512 in WideTail, otherwise 64, then 32 columns at a
    // time here, the rest in RowTail, with the same fused operations in the same order as the blocked paths, so a row's
    // result does not depend on the block it fell in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tail(ref float a, int r, nint aStride, int count, ref float w, int columns, nint stride, ref float z)
    {
        ref float zRow = ref Unsafe.Add(ref z, r * stride);
        ref float aRow = ref Unsafe.Add(ref a, r * aStride);
        int j = Wide ? WideTail(ref aRow, count, ref w, columns, stride, ref zRow, 0) : 0;
        for (; j + 64 <= columns; j += 64)
        {
            // Eight independent accumulators keep both FMA pipes busy when a single row is computed (Predict of one
            // example), which has no other rows to interleave.
            ref float zj = ref Unsafe.Add(ref zRow, j);
            Vector256<float> c0 = Vector256.LoadUnsafe(ref zj), c1 = Vector256.LoadUnsafe(ref zj, 8);
            Vector256<float> c2 = Vector256.LoadUnsafe(ref zj, 16), c3 = Vector256.LoadUnsafe(ref zj, 24);
            Vector256<float> c4 = Vector256.LoadUnsafe(ref zj, 32), c5 = Vector256.LoadUnsafe(ref zj, 40);
            Vector256<float> c6 = Vector256.LoadUnsafe(ref zj, 48), c7 = Vector256.LoadUnsafe(ref zj, 56);
            ref float wRow = ref Unsafe.Add(ref w, j);
            for (int k = 0; k < count; k++)
            {
                Vector256<float> b = Vector256.Create(Unsafe.Add(ref aRow, k));
                c0 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow), c0);
                c1 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 8), c1);
                c2 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 16), c2);
                c3 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 24), c3);
                c4 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 32), c4);
                c5 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 40), c5);
                c6 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 48), c6);
                c7 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 56), c7);
                wRow = ref Unsafe.Add(ref wRow, stride);
            }

            c0.StoreUnsafe(ref zj);
            c1.StoreUnsafe(ref zj, 8);
            c2.StoreUnsafe(ref zj, 16);
            c3.StoreUnsafe(ref zj, 24);
            c4.StoreUnsafe(ref zj, 32);
            c5.StoreUnsafe(ref zj, 40);
            c6.StoreUnsafe(ref zj, 48);
            c7.StoreUnsafe(ref zj, 56);
        }

        for (; j + 32 <= columns; j += 32)
        {
            // Four independent accumulators for the next 32 columns.
            ref float zj = ref Unsafe.Add(ref zRow, j);
            Vector256<float> c0 = Vector256.LoadUnsafe(ref zj), c1 = Vector256.LoadUnsafe(ref zj, 8);
            Vector256<float> c2 = Vector256.LoadUnsafe(ref zj, 16), c3 = Vector256.LoadUnsafe(ref zj, 24);
            ref float wRow = ref Unsafe.Add(ref w, j);
            for (int k = 0; k < count; k++)
            {
                Vector256<float> b = Vector256.Create(Unsafe.Add(ref aRow, k));
                c0 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow), c0);
                c1 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 8), c1);
                c2 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 16), c2);
                c3 = Fma.MultiplyAdd(b, Vector256.LoadUnsafe(ref wRow, 24), c3);
                wRow = ref Unsafe.Add(ref wRow, stride);
            }

            c0.StoreUnsafe(ref zj);
            c1.StoreUnsafe(ref zj, 8);
            c2.StoreUnsafe(ref zj, 16);
            c3.StoreUnsafe(ref zj, 24);
        }

        RowTail(ref aRow, 1, count, ref w, columns, stride, ref zRow, j);
    }

    // A row's columns 128 at a time with 512-bit vectors: eight accumulators hold the whole width of a 128-neuron
    // layer, so W is read once, row after row, as a C compiler's loop keeps it in zmm registers (2.5 us for
    // 784 -> 128 against 4.3 us for the same terms accumulated in memory four rows of W at a time). Returns where the
    // 256-bit code takes over.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WideTail(ref float aRow, int count, ref float w, int columns, nint stride, ref float zRow, int j)
    {
        for (; j + 128 <= columns; j += 128)
        {
            ref float zj = ref Unsafe.Add(ref zRow, j);
            Vector512<float> c0 = Vector512.LoadUnsafe(ref zj), c1 = Vector512.LoadUnsafe(ref zj, 16);
            Vector512<float> c2 = Vector512.LoadUnsafe(ref zj, 32), c3 = Vector512.LoadUnsafe(ref zj, 48);
            Vector512<float> c4 = Vector512.LoadUnsafe(ref zj, 64), c5 = Vector512.LoadUnsafe(ref zj, 80);
            Vector512<float> c6 = Vector512.LoadUnsafe(ref zj, 96), c7 = Vector512.LoadUnsafe(ref zj, 112);
            ref float wRow = ref Unsafe.Add(ref w, j);
            for (int k = 0; k < count; k++)
            {
                Vector512<float> b = Vector512.Create(Unsafe.Add(ref aRow, k));
                c0 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow), c0);
                c1 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 16), c1);
                c2 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 32), c2);
                c3 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 48), c3);
                c4 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 64), c4);
                c5 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 80), c5);
                c6 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 96), c6);
                c7 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 112), c7);
                wRow = ref Unsafe.Add(ref wRow, stride);
            }

            c0.StoreUnsafe(ref zj);
            c1.StoreUnsafe(ref zj, 16);
            c2.StoreUnsafe(ref zj, 32);
            c3.StoreUnsafe(ref zj, 48);
            c4.StoreUnsafe(ref zj, 64);
            c5.StoreUnsafe(ref zj, 80);
            c6.StoreUnsafe(ref zj, 96);
            c7.StoreUnsafe(ref zj, 112);
        }

        for (; j + 64 <= columns; j += 64)
        {
            ref float zj = ref Unsafe.Add(ref zRow, j);
            Vector512<float> c0 = Vector512.LoadUnsafe(ref zj), c1 = Vector512.LoadUnsafe(ref zj, 16);
            Vector512<float> c2 = Vector512.LoadUnsafe(ref zj, 32), c3 = Vector512.LoadUnsafe(ref zj, 48);
            ref float wRow = ref Unsafe.Add(ref w, j);
            for (int k = 0; k < count; k++)
            {
                Vector512<float> b = Vector512.Create(Unsafe.Add(ref aRow, k));
                c0 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow), c0);
                c1 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 16), c1);
                c2 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 32), c2);
                c3 = Avx512F.FusedMultiplyAdd(b, Vector512.LoadUnsafe(ref wRow, 48), c3);
                wRow = ref Unsafe.Add(ref wRow, stride);
            }

            c0.StoreUnsafe(ref zj);
            c1.StoreUnsafe(ref zj, 16);
            c2.StoreUnsafe(ref zj, 32);
            c3.StoreUnsafe(ref zj, 48);
        }

        return j;
    }
}
