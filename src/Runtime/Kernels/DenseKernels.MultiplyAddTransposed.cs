using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

public static partial class DenseKernels
{
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
    /// <param name="g">G, <paramref name="inner"/> x <paramref name="columns"/>; accumulated into, or overwritten.</param>
    /// <param name="overwrite">
    /// Whether G receives the product instead of adding it (<c>G = A^T D</c>), without reading G: a weight gradient's
    /// first block of rows, so that the gradient needs no clearing. The bits are those of adding to a cleared G.
    /// </param>
    public static void MultiplyAddTransposed(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> d, int columns, Span<float> g, bool overwrite = false)
    {
        if (a.Length < rows * inner || d.Length < rows * columns || g.Length < inner * columns)
        {
            throw new ArgumentException("A span is shorter than its matrix.");
        }

        if (!Fma.IsSupported)
        {
            PortableMultiplyAddTransposed(a, rows, inner, d, columns, g, overwrite);
            return;
        }

        if (ProductTeam.Parts((long)rows * inner * columns, ProductTeam.WeightGradientUnits(inner)) is > 1 and int parts)
        {
            ProductTeam.SplitWeightGradient(a, rows, inner, d, columns, g, parts, overwrite);
            return;
        }

        MultiplyAddTransposedRows(ref MemoryMarshal.GetReference(a), rows, inner, inner, ref MemoryMarshal.GetReference(d), columns, ref MemoryMarshal.GetReference(g), overwrite);
    }

    // Rows 0 .. count - 1 of G (columns of A, inner values apart in a row of A) with the FMA blocks; a thread of a
    // split product runs its own range of G's rows, each row computed exactly as when one thread does them all.
    internal static void MultiplyAddTransposedRows(ref float aRef, int rows, int count, int inner, ref float dRef, int columns, ref float gRef, bool overwrite)
    {
        // (Rows of G in 8-row Block8x32s measured slower than these 6-row blocks for 784 x 128 from 64 rows: 68-80 us
        // against 65-68 us on a Zen 5, so the weight gradient keeps them; the forward product gains from them.)
        // G's columns in 16-column panels, then the last 1 to 15 columns of every row of G in masked vectors.
        int panelEnd = columns - (columns % ColumnBlock);
        int k0 = 0;
        for (; k0 + WideRowBlock <= count; k0 += WideRowBlock)
        {
            ref float aColumns = ref Unsafe.Add(ref aRef, k0); // columns k0.. of A, rows k0.. of G
            ref float gRows = ref Unsafe.Add(ref gRef, k0 * columns);
            int j0 = 0;
            if (Wide)
            {
                for (; j0 + (2 * ColumnBlock) <= columns; j0 += 2 * ColumnBlock)
                {
                    ref float dPanel = ref Unsafe.Add(ref dRef, j0);
                    Block6x32(ref aColumns, 1, inner, rows, ref dPanel, ref Unsafe.Add(ref dPanel, ColumnBlock), columns, ref Unsafe.Add(ref gRows, j0), columns, overwrite);
                }
            }

            for (; j0 < panelEnd; j0 += ColumnBlock)
            {
                Block6x16(ref aColumns, 1, inner, rows, ref Unsafe.Add(ref dRef, j0), columns, ref Unsafe.Add(ref gRows, j0), columns, overwrite);
            }
        }

        for (; k0 + RowBlock <= count; k0 += RowBlock)
        {
            ref float aColumns = ref Unsafe.Add(ref aRef, k0);
            ref float gRows = ref Unsafe.Add(ref gRef, k0 * columns);
            for (int j0 = 0; j0 < panelEnd; j0 += ColumnBlock)
            {
                Block4x16(ref aColumns, 1, inner, rows, ref Unsafe.Add(ref dRef, j0), columns, ref Unsafe.Add(ref gRows, j0), columns, overwrite);
            }
        }

        for (; k0 < count; k0++)
        {
            TransposedTail(ref aRef, rows, inner, k0, ref dRef, columns, panelEnd, ref gRef, overwrite);
        }

        if (panelEnd < columns)
        {
            MaskedColumns(ref aRef, 1, inner, count, rows, ref Unsafe.Add(ref dRef, panelEnd), columns, ref Unsafe.Add(ref gRef, panelEnd), columns, columns - panelEnd, overwrite);
        }
    }

    // Row k of G up to column `end` (a multiple of 16): RowTail over column k of A.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposedTail(ref float a, int rows, int inner, int k, ref float d, int columns, int end, ref float g, bool overwrite) =>
        RowTail(ref Unsafe.Add(ref a, k), inner, rows, ref d, end, columns, ref Unsafe.Add(ref g, k * columns), 0, overwrite);
}
