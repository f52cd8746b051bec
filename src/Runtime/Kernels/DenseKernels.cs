using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Matrix products for wide float layers, register-blocked for AVX2 + FMA. Generated networks call these where a
/// benchmark shows them faster than a TensorPrimitives call per row (LayerKernelBenchmark).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class DenseKernels
{
    // Rows of the main block (12 accumulators: enough independent FMA chains to cover the FMA latency on two pipes,
    // 0.7x the time of 4 rows at 784 -> 64 in WideLayerKernelBenchmark) and of the block for 4 to 5 rows left over.
    private const int WideRowBlock = KernelGeometry.ProductRows;
    private const int RowBlock = KernelGeometry.SmallRowGroup;

    // A slice of the inner dimension: a 16-column panel of W over it is 16 KB, half of a 32 KB L1 data cache.
    private const int InnerBlock = 256;
    private const int ColumnBlock = 16;

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
            for (int r = 0; r < rows; r++)
            {
                Span<float> zRow = z.Slice(r * columns, columns);
                for (int k = 0; k < inner; k++)
                {
                    ScalarAxpy(a[(r * inner) + k], w.Slice(k * columns, columns), zRow);
                }
            }

            return;
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float zRef = ref MemoryMarshal.GetReference(z);

        // Rows in blocks of 6, then one block of 4 if 4 or 5 are left, then single rows.
        int sixRowEnd = rows - (rows % WideRowBlock);
        int fourRowEnd = rows - sixRowEnd >= RowBlock ? sixRowEnd + RowBlock : sixRowEnd;

        // The inner dimension in slices of InnerBlock, and within a slice one 16-column panel of W at a time for
        // every block of rows: the panel (InnerBlock x 16 values, 16 KB) stays in the L1 cache while the rows pass over
        // it, instead of all of W being read from L2 once per block of rows.
        for (int k0 = 0; k0 < inner; k0 += InnerBlock)
        {
            int count = Math.Min(InnerBlock, inner - k0);
            ref float aSlice = ref Unsafe.Add(ref aRef, k0);
            ref float wSlice = ref Unsafe.Add(ref wRef, k0 * columns);
            int j0 = 0;
            for (; j0 + ColumnBlock <= columns; j0 += ColumnBlock)
            {
                for (int r0 = 0; r0 < sixRowEnd; r0 += WideRowBlock)
                {
                    Block6x16(ref aSlice, r0, inner, count, ref wSlice, columns, ref zRef, j0);
                }

                if (fourRowEnd > sixRowEnd)
                {
                    Block4x16(ref aSlice, sixRowEnd, inner, count, ref wSlice, columns, ref zRef, j0);
                }
            }

            int sixRowTail = j0;
            if (j0 + 8 <= columns)
            {
                for (int r0 = 0; r0 < sixRowEnd; r0 += WideRowBlock)
                {
                    Block6x8(ref aSlice, r0, inner, count, ref wSlice, columns, ref zRef, j0);
                }

                sixRowTail += 8;
            }

            for (int r = 0; r < rows; r++)
            {
                int from = r < sixRowEnd ? sixRowTail : r < fourRowEnd ? j0 : 0;
                Tail(ref aSlice, r, inner, count, ref wSlice, columns, ref zRef, from);
            }
        }
    }

    // 6 rows x 8 columns, for the last 8 to 15 columns (a 10-class output layer): 6 accumulators.
    private static void Block6x8(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        nint rowStride = columns;
        Vector256<float> c0 = Vector256.LoadUnsafe(ref z0), c1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, rowStride));
        Vector256<float> c2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 2 * rowStride)), c3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 3 * rowStride));
        Vector256<float> c4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 4 * rowStride)), c5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref z0, 5 * rowStride));
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow);
            c0 = Fma.MultiplyAdd(Vector256.Create(a0), w0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, stride)), w0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 2 * stride)), w0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 3 * stride)), w0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 4 * stride)), w0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, 5 * stride)), w0, c5);
            a0 = ref Unsafe.Add(ref a0, 1);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c0.StoreUnsafe(ref z0);
        c1.StoreUnsafe(ref Unsafe.Add(ref z0, rowStride));
        c2.StoreUnsafe(ref Unsafe.Add(ref z0, 2 * rowStride));
        c3.StoreUnsafe(ref Unsafe.Add(ref z0, 3 * rowStride));
        c4.StoreUnsafe(ref Unsafe.Add(ref z0, 4 * rowStride));
        c5.StoreUnsafe(ref Unsafe.Add(ref z0, 5 * rowStride));
    }

    // 4 rows x 16 columns: 8 accumulators in registers, one broadcast per row and two loads of W per k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x16(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        ref float z1 = ref Unsafe.Add(ref z0, columns);
        ref float z2 = ref Unsafe.Add(ref z1, columns);
        ref float z3 = ref Unsafe.Add(ref z2, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref z0), c01 = Vector256.LoadUnsafe(ref z0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref z1), c11 = Vector256.LoadUnsafe(ref z1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref z2), c21 = Vector256.LoadUnsafe(ref z2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref z3), c31 = Vector256.LoadUnsafe(ref z3, 8);
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float a1 = ref Unsafe.Add(ref a0, stride);
        ref float a2 = ref Unsafe.Add(ref a1, stride);
        ref float a3 = ref Unsafe.Add(ref a2, stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow), w1 = Vector256.LoadUnsafe(ref wRow, 8);
            Vector256<float> b = Vector256.Create(Unsafe.Add(ref a0, k));
            c00 = Fma.MultiplyAdd(b, w0, c00);
            c01 = Fma.MultiplyAdd(b, w1, c01);
            b = Vector256.Create(Unsafe.Add(ref a1, k));
            c10 = Fma.MultiplyAdd(b, w0, c10);
            c11 = Fma.MultiplyAdd(b, w1, c11);
            b = Vector256.Create(Unsafe.Add(ref a2, k));
            c20 = Fma.MultiplyAdd(b, w0, c20);
            c21 = Fma.MultiplyAdd(b, w1, c21);
            b = Vector256.Create(Unsafe.Add(ref a3, k));
            c30 = Fma.MultiplyAdd(b, w0, c30);
            c31 = Fma.MultiplyAdd(b, w1, c31);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c00.StoreUnsafe(ref z0);
        c01.StoreUnsafe(ref z0, 8);
        c10.StoreUnsafe(ref z1);
        c11.StoreUnsafe(ref z1, 8);
        c20.StoreUnsafe(ref z2);
        c21.StoreUnsafe(ref z2, 8);
        c30.StoreUnsafe(ref z3);
        c31.StoreUnsafe(ref z3, 8);
    }

    // 6 rows x 16 columns: 12 accumulators in registers, one broadcast per row and two loads of W per k.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block6x16(ref float a, int r0, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float z0 = ref Unsafe.Add(ref z, (r0 * columns) + j0);
        ref float z1 = ref Unsafe.Add(ref z0, columns);
        ref float z2 = ref Unsafe.Add(ref z1, columns);
        ref float z3 = ref Unsafe.Add(ref z2, columns);
        ref float z4 = ref Unsafe.Add(ref z3, columns);
        ref float z5 = ref Unsafe.Add(ref z4, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref z0), c01 = Vector256.LoadUnsafe(ref z0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref z1), c11 = Vector256.LoadUnsafe(ref z1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref z2), c21 = Vector256.LoadUnsafe(ref z2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref z3), c31 = Vector256.LoadUnsafe(ref z3, 8);
        Vector256<float> c40 = Vector256.LoadUnsafe(ref z4), c41 = Vector256.LoadUnsafe(ref z4, 8);
        Vector256<float> c50 = Vector256.LoadUnsafe(ref z5), c51 = Vector256.LoadUnsafe(ref z5, 8);
        ref float a0 = ref Unsafe.Add(ref a, r0 * stride);
        ref float wRow = ref Unsafe.Add(ref w, j0);
        for (int k = 0; k < count; k++)
        {
            Vector256<float> w0 = Vector256.LoadUnsafe(ref wRow), w1 = Vector256.LoadUnsafe(ref wRow, 8);
            Vector256<float> b = Vector256.Create(a0);
            c00 = Fma.MultiplyAdd(b, w0, c00);
            c01 = Fma.MultiplyAdd(b, w1, c01);
            b = Vector256.Create(Unsafe.Add(ref a0, stride));
            c10 = Fma.MultiplyAdd(b, w0, c10);
            c11 = Fma.MultiplyAdd(b, w1, c11);
            b = Vector256.Create(Unsafe.Add(ref a0, 2 * stride));
            c20 = Fma.MultiplyAdd(b, w0, c20);
            c21 = Fma.MultiplyAdd(b, w1, c21);
            b = Vector256.Create(Unsafe.Add(ref a0, 3 * stride));
            c30 = Fma.MultiplyAdd(b, w0, c30);
            c31 = Fma.MultiplyAdd(b, w1, c31);
            b = Vector256.Create(Unsafe.Add(ref a0, 4 * stride));
            c40 = Fma.MultiplyAdd(b, w0, c40);
            c41 = Fma.MultiplyAdd(b, w1, c41);
            b = Vector256.Create(Unsafe.Add(ref a0, 5 * stride));
            c50 = Fma.MultiplyAdd(b, w0, c50);
            c51 = Fma.MultiplyAdd(b, w1, c51);
            a0 = ref Unsafe.Add(ref a0, 1);
            wRow = ref Unsafe.Add(ref wRow, columns);
        }

        c00.StoreUnsafe(ref z0);
        c01.StoreUnsafe(ref z0, 8);
        c10.StoreUnsafe(ref z1);
        c11.StoreUnsafe(ref z1, 8);
        c20.StoreUnsafe(ref z2);
        c21.StoreUnsafe(ref z2, 8);
        c30.StoreUnsafe(ref z3);
        c31.StoreUnsafe(ref z3, 8);
        c40.StoreUnsafe(ref z4);
        c41.StoreUnsafe(ref z4, 8);
        c50.StoreUnsafe(ref z5);
        c51.StoreUnsafe(ref z5, 8);
    }

    // One row from column j0 on: 64, 32, then 8 columns at a time, then one at a time, with the same fused operations
    // in the same order as the blocked paths, so a row's result does not depend on the block it fell in.
    private static void Tail(ref float a, int r, int stride, int count, ref float w, int columns, ref float z, int j0)
    {
        ref float zRow = ref Unsafe.Add(ref z, r * columns);
        ref float aRow = ref Unsafe.Add(ref a, r * stride);
        int j = j0;
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
                wRow = ref Unsafe.Add(ref wRow, columns);
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
                wRow = ref Unsafe.Add(ref wRow, columns);
            }

            c0.StoreUnsafe(ref zj);
            c1.StoreUnsafe(ref zj, 8);
            c2.StoreUnsafe(ref zj, 16);
            c3.StoreUnsafe(ref zj, 24);
        }

        for (; j + 8 <= columns; j += 8)
        {
            Vector256<float> c = Vector256.LoadUnsafe(ref zRow, (nuint)j);
            for (int k = 0; k < count; k++)
            {
                c = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, k)), Vector256.LoadUnsafe(ref w, (nuint)((k * columns) + j)), c);
            }

            c.StoreUnsafe(ref zRow, (nuint)j);
        }

        for (; j < columns; j++)
        {
            float c = Unsafe.Add(ref zRow, j);
            for (int k = 0; k < count; k++)
            {
                c = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, k), Unsafe.Add(ref w, (k * columns) + j), c);
            }

            Unsafe.Add(ref zRow, j) = c;
        }
    }

    /// <summary>
    /// Adds the product of the transpose of <paramref name="a"/> and <paramref name="d"/> to <paramref name="g"/>:
    /// <c>G[k, j] += sum_r A[r, k] D[r, j]</c> (a weight gradient <c>dW += A^T dZ</c>), summing over <c>r</c> in order
    /// with one fused multiply-add per term.
    /// </summary>
    /// <param name="a">A, <paramref name="rows"/> x <paramref name="inner"/>.</param>
    /// <param name="rows">The number of rows of A and D.</param>
    /// <param name="inner">Columns of A, rows of G.</param>
    /// <param name="d">D, <paramref name="rows"/> x <paramref name="columns"/>.</param>
    /// <param name="columns">Columns of D and G.</param>
    /// <param name="g">G, <paramref name="inner"/> x <paramref name="columns"/>; accumulated into.</param>
    public static void MultiplyAddTransposed(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> d, int columns, Span<float> g)
    {
        if (a.Length < rows * inner || d.Length < rows * columns || g.Length < inner * columns)
        {
            throw new ArgumentException("A span is shorter than its matrix.");
        }

        if (!Fma.IsSupported)
        {
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> dRow = d.Slice(r * columns, columns);
                for (int k = 0; k < inner; k++)
                {
                    ScalarAxpy(a[(r * inner) + k], dRow, g.Slice(k * columns, columns));
                }
            }

            return;
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float dRef = ref MemoryMarshal.GetReference(d);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        int k0 = 0;
        for (; k0 + WideRowBlock <= inner; k0 += WideRowBlock)
        {
            int j0 = 0;
            for (; j0 + ColumnBlock <= columns; j0 += ColumnBlock)
            {
                TransposedBlock6x16(ref aRef, rows, inner, k0, ref dRef, columns, ref gRef, j0);
            }

            if (j0 + 8 <= columns)
            {
                TransposedBlock6x8(ref aRef, rows, inner, k0, ref dRef, columns, ref gRef, j0);
                j0 += 8;
            }

            for (int k = k0; k < k0 + WideRowBlock; k++)
            {
                TransposedTail(ref aRef, rows, inner, k, ref dRef, columns, ref gRef, j0);
            }
        }

        for (; k0 + RowBlock <= inner; k0 += RowBlock)
        {
            int j0 = 0;
            for (; j0 + ColumnBlock <= columns; j0 += ColumnBlock)
            {
                TransposedBlock4x16(ref aRef, rows, inner, k0, ref dRef, columns, ref gRef, j0);
            }

            for (int k = k0; k < k0 + RowBlock; k++)
            {
                TransposedTail(ref aRef, rows, inner, k, ref dRef, columns, ref gRef, j0);
            }
        }

        for (; k0 < inner; k0++)
        {
            TransposedTail(ref aRef, rows, inner, k0, ref dRef, columns, ref gRef, 0);
        }
    }

    // Rows k0..k0+3 of G, columns j0..j0+15, in 8 registers; per row r of the batch: two loads of D, four broadcasts of A.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedBlock4x16(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        ref float g1 = ref Unsafe.Add(ref g0, columns);
        ref float g2 = ref Unsafe.Add(ref g1, columns);
        ref float g3 = ref Unsafe.Add(ref g2, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref g0), c01 = Vector256.LoadUnsafe(ref g0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref g1), c11 = Vector256.LoadUnsafe(ref g1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref g2), c21 = Vector256.LoadUnsafe(ref g2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref g3), c31 = Vector256.LoadUnsafe(ref g3, 8);
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow), d1 = Vector256.LoadUnsafe(ref dRow, 8);
            Vector256<float> b = Vector256.Create(aRow);
            c00 = Fma.MultiplyAdd(b, d0, c00);
            c01 = Fma.MultiplyAdd(b, d1, c01);
            b = Vector256.Create(Unsafe.Add(ref aRow, 1));
            c10 = Fma.MultiplyAdd(b, d0, c10);
            c11 = Fma.MultiplyAdd(b, d1, c11);
            b = Vector256.Create(Unsafe.Add(ref aRow, 2));
            c20 = Fma.MultiplyAdd(b, d0, c20);
            c21 = Fma.MultiplyAdd(b, d1, c21);
            b = Vector256.Create(Unsafe.Add(ref aRow, 3));
            c30 = Fma.MultiplyAdd(b, d0, c30);
            c31 = Fma.MultiplyAdd(b, d1, c31);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c00.StoreUnsafe(ref g0);
        c01.StoreUnsafe(ref g0, 8);
        c10.StoreUnsafe(ref g1);
        c11.StoreUnsafe(ref g1, 8);
        c20.StoreUnsafe(ref g2);
        c21.StoreUnsafe(ref g2, 8);
        c30.StoreUnsafe(ref g3);
        c31.StoreUnsafe(ref g3, 8);
    }

    // Rows k0..k0+5 of G, columns j0..j0+15, in 12 registers; per row r of the batch: two loads of D, six broadcasts of A.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedBlock6x16(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        ref float g1 = ref Unsafe.Add(ref g0, columns);
        ref float g2 = ref Unsafe.Add(ref g1, columns);
        ref float g3 = ref Unsafe.Add(ref g2, columns);
        ref float g4 = ref Unsafe.Add(ref g3, columns);
        ref float g5 = ref Unsafe.Add(ref g4, columns);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref g0), c01 = Vector256.LoadUnsafe(ref g0, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref g1), c11 = Vector256.LoadUnsafe(ref g1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref g2), c21 = Vector256.LoadUnsafe(ref g2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref g3), c31 = Vector256.LoadUnsafe(ref g3, 8);
        Vector256<float> c40 = Vector256.LoadUnsafe(ref g4), c41 = Vector256.LoadUnsafe(ref g4, 8);
        Vector256<float> c50 = Vector256.LoadUnsafe(ref g5), c51 = Vector256.LoadUnsafe(ref g5, 8);
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow), d1 = Vector256.LoadUnsafe(ref dRow, 8);
            Vector256<float> b = Vector256.Create(aRow);
            c00 = Fma.MultiplyAdd(b, d0, c00);
            c01 = Fma.MultiplyAdd(b, d1, c01);
            b = Vector256.Create(Unsafe.Add(ref aRow, 1));
            c10 = Fma.MultiplyAdd(b, d0, c10);
            c11 = Fma.MultiplyAdd(b, d1, c11);
            b = Vector256.Create(Unsafe.Add(ref aRow, 2));
            c20 = Fma.MultiplyAdd(b, d0, c20);
            c21 = Fma.MultiplyAdd(b, d1, c21);
            b = Vector256.Create(Unsafe.Add(ref aRow, 3));
            c30 = Fma.MultiplyAdd(b, d0, c30);
            c31 = Fma.MultiplyAdd(b, d1, c31);
            b = Vector256.Create(Unsafe.Add(ref aRow, 4));
            c40 = Fma.MultiplyAdd(b, d0, c40);
            c41 = Fma.MultiplyAdd(b, d1, c41);
            b = Vector256.Create(Unsafe.Add(ref aRow, 5));
            c50 = Fma.MultiplyAdd(b, d0, c50);
            c51 = Fma.MultiplyAdd(b, d1, c51);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c00.StoreUnsafe(ref g0);
        c01.StoreUnsafe(ref g0, 8);
        c10.StoreUnsafe(ref g1);
        c11.StoreUnsafe(ref g1, 8);
        c20.StoreUnsafe(ref g2);
        c21.StoreUnsafe(ref g2, 8);
        c30.StoreUnsafe(ref g3);
        c31.StoreUnsafe(ref g3, 8);
        c40.StoreUnsafe(ref g4);
        c41.StoreUnsafe(ref g4, 8);
        c50.StoreUnsafe(ref g5);
        c51.StoreUnsafe(ref g5, 8);
    }

    // Rows k0..k0+5 of G, 8 columns from j0, for the last 8 to 15 columns: 6 accumulators.
    private static void TransposedBlock6x8(ref float a, int rows, int inner, int k0, ref float d, int columns, ref float g, int j0)
    {
        ref float g0 = ref Unsafe.Add(ref g, (k0 * columns) + j0);
        nint rowStride = columns;
        Vector256<float> c0 = Vector256.LoadUnsafe(ref g0), c1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, rowStride));
        Vector256<float> c2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 2 * rowStride)), c3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 3 * rowStride));
        Vector256<float> c4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 4 * rowStride)), c5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref g0, 5 * rowStride));
        ref float aRow = ref Unsafe.Add(ref a, k0);
        ref float dRow = ref Unsafe.Add(ref d, j0);
        for (int r = 0; r < rows; r++)
        {
            Vector256<float> d0 = Vector256.LoadUnsafe(ref dRow);
            c0 = Fma.MultiplyAdd(Vector256.Create(aRow), d0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 1)), d0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 2)), d0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 3)), d0, c3);
            c4 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 4)), d0, c4);
            c5 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, 5)), d0, c5);
            aRow = ref Unsafe.Add(ref aRow, inner);
            dRow = ref Unsafe.Add(ref dRow, columns);
        }

        c0.StoreUnsafe(ref g0);
        c1.StoreUnsafe(ref Unsafe.Add(ref g0, rowStride));
        c2.StoreUnsafe(ref Unsafe.Add(ref g0, 2 * rowStride));
        c3.StoreUnsafe(ref Unsafe.Add(ref g0, 3 * rowStride));
        c4.StoreUnsafe(ref Unsafe.Add(ref g0, 4 * rowStride));
        c5.StoreUnsafe(ref Unsafe.Add(ref g0, 5 * rowStride));
    }

    // Row k of G from column j0 on, with the same fused operations in the same order as the blocked path.
    private static void TransposedTail(ref float a, int rows, int inner, int k, ref float d, int columns, ref float g, int j0)
    {
        ref float gRow = ref Unsafe.Add(ref g, k * columns);
        int j = j0;
        for (; j + 8 <= columns; j += 8)
        {
            Vector256<float> c = Vector256.LoadUnsafe(ref gRow, (nuint)j);
            for (int r = 0; r < rows; r++)
            {
                c = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a, (r * inner) + k)), Vector256.LoadUnsafe(ref d, (nuint)((r * columns) + j)), c);
            }

            c.StoreUnsafe(ref gRow, (nuint)j);
        }

        for (; j < columns; j++)
        {
            float c = Unsafe.Add(ref gRow, j);
            for (int r = 0; r < rows; r++)
            {
                c = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, (r * inner) + k), Unsafe.Add(ref d, (r * columns) + j), c);
            }

            Unsafe.Add(ref gRow, j) = c;
        }
    }

    /// <summary>
    /// Writes the transpose of the row-major <paramref name="rows"/> x <paramref name="columns"/> matrix
    /// <paramref name="source"/> into <paramref name="destination"/> (<paramref name="columns"/> x <paramref name="rows"/>),
    /// so that a product with a transposed matrix (<c>dA = dZ W^T</c>) can run through <see cref="MultiplyAdd"/>.
    /// </summary>
    /// <param name="source">The matrix, <paramref name="rows"/> x <paramref name="columns"/>.</param>
    /// <param name="rows">Rows of the source.</param>
    /// <param name="columns">Columns of the source.</param>
    /// <param name="destination">Receives the transpose, <paramref name="columns"/> x <paramref name="rows"/>.</param>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        if (source.Length < rows * columns || destination.Length < rows * columns)
        {
            throw new ArgumentException("A span is shorter than its matrix.");
        }

        // Tiles of 8 x 8 keep both the reads and the scattered writes within a few cache lines.
        const int Tile = 8;
        for (int r0 = 0; r0 < rows; r0 += Tile)
        {
            int rEnd = Math.Min(rows, r0 + Tile);
            for (int c0 = 0; c0 < columns; c0 += Tile)
            {
                int cEnd = Math.Min(columns, c0 + Tile);
                for (int r = r0; r < rEnd; r++)
                {
                    for (int c = c0; c < cEnd; c++)
                    {
                        destination[(c * rows) + r] = source[(r * columns) + c];
                    }
                }
            }
        }
    }

    private static void ScalarAxpy(float scale, ReadOnlySpan<float> x, Span<float> destination) =>
        TensorPrimitives.MultiplyAdd(x, scale, destination, destination);
}
