using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using static Backprop.Kernels.KernelGeometry;

namespace Backprop.Kernels;

// The packed products: the three products of a wide layer (Z += A W, dW += A^T dZ, dA += dZ W^T) as one blocked
// product C += op(A) op(B), blocked as BLAS blocks it. For each slice of PackedInner steps of the inner dimension, in
// order, and each block of PackedColumns columns, B's block is packed into 16-column panels, each panel's rows 16
// values apart (Pack.cs). Then PackedRows rows of C at a time pass over the block, one panel at a time: the panel stays
// in L1 while the register blocks (Blocks.cs) run down the rows, and A's slice for those rows stays in L2.
//
// Packing is what lets this scale with width: a panel read in place steps through B `columns` values at a time, and at
// 2048 columns every step of the inner dimension lands in the same L1 set, so the cache keeps 8 of the panel's 256 rows.
// Packed, a panel is 16 KB of consecutive lines. It costs one copy of B per product (a transposing copy for W^T), which
// a product of at least ProductRows rows repays.
//
// Each element of C is still one chain of fused multiply-adds over the inner dimension in order, starting from C's
// value on entry (or from zero, for a product that overwrites C): a slice's sums continue from what the previous slice
// stored. So the result of a row never depends on
// the rows beside it, on the blocking, or on whether the unpacked kernels computed it.
public static partial class DenseKernels
{
    /// <summary>
    /// <c>Z[r, j] += sum_k A[r, k] W[k, j]</c> like <see cref="MultiplyAdd"/>, with W packed into <paramref name="pack"/>
    /// in panels first, so that wide layers run at the same speed as narrow ones. Gives the same bits as
    /// <see cref="MultiplyAdd"/>, which it calls for fewer rows than a register block.
    /// </summary>
    /// <param name="a">A, <paramref name="rows"/> x <paramref name="inner"/>.</param>
    /// <param name="rows">The number of rows of A and Z.</param>
    /// <param name="inner">Columns of A, rows of W.</param>
    /// <param name="w">W, <paramref name="inner"/> x <paramref name="columns"/>.</param>
    /// <param name="columns">Columns of W and Z.</param>
    /// <param name="z">Z, <paramref name="rows"/> x <paramref name="columns"/>; holds the addend (for example the bias) on entry.</param>
    /// <param name="pack">Scratch for the packed panels, at least <c>KernelGeometry.PackLength(columns, false)</c> values.</param>
    public static void PackedMultiplyAdd(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> w, int columns, Span<float> z, Span<float> pack)
    {
        CheckPacked(a.Length < rows * inner || w.Length < inner * columns || z.Length < rows * columns, pack, PackLength(columns, transposedA: false));
        if (!Fma.IsSupported || rows < ProductRows)
        {
            MultiplyAdd(a, rows, inner, w, columns, z);
            return;
        }

        SplitOrRun(new PackedProduct(rows, columns, inner, aRow: inner, aStep: 1, bStep: columns, bColumn: 1), a, w, z, pack);
    }

    /// <summary>
    /// <c>G[k, j] += sum_r A[r, k] D[r, j]</c> (<c>dW += A^T dZ</c>) like <see cref="MultiplyAddTransposed"/>, with D
    /// packed into <paramref name="pack"/> in panels first; every sum runs over the rows in order.
    /// </summary>
    /// <param name="a">A, <paramref name="rows"/> x <paramref name="inner"/>.</param>
    /// <param name="rows">The number of rows of A and D.</param>
    /// <param name="inner">Columns of A, rows of G.</param>
    /// <param name="d">D, <paramref name="rows"/> x <paramref name="columns"/>.</param>
    /// <param name="columns">Columns of D and G.</param>
    /// <param name="g">G, <paramref name="inner"/> x <paramref name="columns"/>; accumulated into, or overwritten.</param>
    /// <param name="pack">Scratch for the packed panels, at least <c>KernelGeometry.PackLength(columns, true)</c> values.</param>
    /// <param name="overwrite">Whether G receives the product instead of adding it, without reading G (see <see cref="MultiplyAddTransposed"/>).</param>
    public static void PackedMultiplyAddTransposed(ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> d, int columns, Span<float> g, Span<float> pack, bool overwrite = false)
    {
        CheckPacked(a.Length < rows * inner || d.Length < rows * columns || g.Length < inner * columns, pack, PackLength(columns, transposedA: true));
        if (!Fma.IsSupported)
        {
            MultiplyAddTransposed(a, rows, inner, d, columns, g, overwrite);
            return;
        }

        // G's row i is column i of A: op(A)[i, t] = A[t, i].
        SplitOrRun(new PackedProduct(inner, columns, rows, aRow: 1, aStep: inner, bStep: columns, bColumn: 1) { Overwrite = overwrite }, a, d, g, pack);
    }

    /// <summary>
    /// <c>C[r, k] += sum_j D[r, j] W[k, j]</c> (<c>dA += dZ W^T</c>), with W^T packed into <paramref name="pack"/> in
    /// panels first (a transposing copy, so no transposed W is kept); every sum runs over <c>j</c> in order.
    /// </summary>
    /// <param name="d">D, <paramref name="rows"/> x <paramref name="columns"/>.</param>
    /// <param name="rows">The number of rows of D and C.</param>
    /// <param name="columns">Columns of D and of W.</param>
    /// <param name="w">W, <paramref name="inner"/> x <paramref name="columns"/>.</param>
    /// <param name="inner">Rows of W, columns of C.</param>
    /// <param name="c">C, <paramref name="rows"/> x <paramref name="inner"/>; holds the addend on entry, unless <paramref name="overwrite"/>.</param>
    /// <param name="pack">Scratch for the packed panels, at least <c>KernelGeometry.PackLength(inner, false)</c> values.</param>
    /// <param name="overwrite">Whether C receives the product instead of adding it, without reading C (an input gradient, which nothing is added to); the bits of adding to a cleared C.</param>
    public static void PackedMultiplyAddByTransposed(ReadOnlySpan<float> d, int rows, int columns, ReadOnlySpan<float> w, int inner, Span<float> c, Span<float> pack, bool overwrite = false)
    {
        CheckPacked(d.Length < rows * columns || w.Length < inner * columns || c.Length < rows * inner, pack, PackLength(inner, transposedA: false));
        if (!Fma.IsSupported)
        {
            if (overwrite)
            {
                c.Slice(0, rows * inner).Clear(); // then added to: a sum of -0 still gives +0, as on a cleared C
            }

            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> dRow = d.Slice(r * columns, columns);
                for (int k = 0; k < inner; k++)
                {
                    c[(r * inner) + k] += System.Numerics.Tensors.TensorPrimitives.Dot(w.Slice(k * columns, columns), dRow);
                }
            }

            return;
        }

        // op(B)[t, k] = W[k, t]: the pack transposes.
        SplitOrRun(new PackedProduct(rows, inner, columns, aRow: columns, aStep: 1, bStep: 1, bColumn: columns) { Overwrite = overwrite }, d, w, c, pack);
    }

    private static void CheckPacked(bool shortMatrix, Span<float> pack, int packLength)
    {
        if (shortMatrix)
        {
            throw new ArgumentException("A span is shorter than its matrix.");
        }

        if (pack.Length < packLength)
        {
            throw new ArgumentException($"The pack holds {pack.Length} values; the product needs {packLength}.", nameof(pack));
        }
    }

    // The shape of a packed product C (m x n) += op(A) op(B) over k, where op(A)[i, t] = a[i * aRow + t * aStep] and
    // op(B)[t, j] = b[t * bStep + j * bColumn]; C is row-major with n columns. With Overwrite, C = op(A) op(B): the first
    // slice of the inner dimension starts its sums from zero instead of reading C.
    internal readonly record struct PackedProduct(int M, int N, int K, nint ARow, nint AStep, nint BStep, nint BColumn)
    {
        public bool Overwrite { get; init; }

        public PackedProduct(int m, int n, int k, int aRow, int aStep, int bStep, int bColumn)
            : this(m, n, k, (nint)aRow, aStep, bStep, bColumn)
        {
        }
    }

    // With a product team (ProductTeam) and enough work, the columns are split over its threads, each packing its own
    // panels; every element of C is computed the same way either way.
    private static void SplitOrRun(PackedProduct product, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, Span<float> pack)
    {
        if (ProductTeam.Parts((long)product.M * product.N * product.K, (product.N + PanelColumns - 1) / PanelColumns) is > 1 and int parts)
        {
            ProductTeam.SplitPacked(product, a, b, c, pack, parts);
            return;
        }

        ProductColumns(product, ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), 0, product.N, ref MemoryMarshal.GetReference(pack));
    }

    // Columns j0 .. j1 - 1 of the product (a thread's share when split).
    internal static void ProductColumns(PackedProduct product, ref float a, ref float b, ref float c, int j0, int j1, ref float pack) =>
        Product(
            product.M, j1 - j0, product.K,
            ref a, product.ARow, product.AStep,
            ref Unsafe.Add(ref b, j0 * product.BColumn), product.BStep, product.BColumn,
            ref Unsafe.Add(ref c, j0), product.N, ref pack, product.Overwrite);

    // C (m x n, rows cStride apart) += op(A) op(B) over k (= with `overwrite`).
    private static void Product(int m, int n, int k, ref float a, nint aRow, nint aStep, ref float b, nint bStep, nint bColumn, ref float c, nint cStride, ref float pack, bool overwrite)
    {
        for (int t0 = 0; t0 < k; t0 += PackedInner)
        {
            int count = Math.Min(PackedInner, k - t0);
            bool fresh = overwrite && t0 == 0; // later slices add to what the first one stored
            for (int j0 = 0; j0 < n; j0 += PackedColumns)
            {
                int width = Math.Min(PackedColumns, n - j0);
                ref float bBlock = ref Unsafe.Add(ref b, (t0 * bStep) + (j0 * bColumn));
                if (bColumn == 1)
                {
                    PackRows(ref bBlock, bStep, count, width, ref pack);
                }
                else
                {
                    PackTransposed(ref bBlock, bColumn, count, width, ref pack);
                }

                for (int i0 = 0; i0 < m; i0 += PackedRows)
                {
                    int height = Math.Min(PackedRows, m - i0);
                    ref float aBlock = ref Unsafe.Add(ref a, (i0 * aRow) + (t0 * aStep));
                    RowPanels rowsOfA = new(aRow, aStep, ProductRows * aRow);
                    if (aRow == 1)
                    {
                        // A^T: a row of op(A) is a column of A, its steps a whole row of A apart, so a block's steps would
                        // all fall in a few L1 sets; packed, each 6-row panel's step is 6 consecutive values.
                        ref float packedA = ref Unsafe.Add(ref pack, PackedBLength(n));
                        PackColumns(ref aBlock, aStep, count, height, ref packedA);
                        aBlock = ref packedA;
                        rowsOfA = new(1, ProductRows, ProductRows * count);
                    }

                    ref float cBlock = ref Unsafe.Add(ref c, (i0 * cStride) + j0);
                    for (int j = 0; j < width; j += PanelColumns)
                    {
                        ref float panel = ref Unsafe.Add(ref pack, j * count);
                        ref float cPanel = ref Unsafe.Add(ref cBlock, j);
                        if (Wide && width - j >= 2 * PanelColumns)
                        {
                            PanelPairRows(ref aBlock, rowsOfA, count, ref panel, height, ref cPanel, cStride, fresh);
                            j += PanelColumns;
                        }
                        else if (width - j >= PanelColumns)
                        {
                            PanelRows(ref aBlock, rowsOfA, count, ref panel, height, ref cPanel, cStride, fresh);
                        }
                        else
                        {
                            PartialPanelRows(ref aBlock, rowsOfA, count, ref panel, height, ref cPanel, cStride, width - j, fresh);
                        }
                    }
                }
            }
        }
    }

    // Where the rows of op(A) are: row i, step t at a[(i / 6) * Panel + (i % 6) * Row + t * Step]. In place, Panel is
    // 6 Row; packed (PackColumns), Row = 1, Step = 6 and Panel = 6 steps.
    private readonly record struct RowPanels(nint Row, nint Step, nint Panel)
    {
        public ref float At(ref float a, int i) => ref Unsafe.Add(ref a, ((i / ProductRows) * Panel) + ((i % ProductRows) * Row));
    }

    // Rows of C against one full panel: blocks of 6 rows, a block of 4 for 4 or 5 left over, then single rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelRows(ref float a, RowPanels rowsOfA, int count, ref float panel, int height, ref float c, nint cStride, bool overwrite)
    {
        int i = 0;
        for (; i + ProductRows <= height; i += ProductRows)
        {
            Block6x16(ref rowsOfA.At(ref a, i), rowsOfA.Row, rowsOfA.Step, count, ref panel, PanelColumns, ref Unsafe.Add(ref c, i * cStride), cStride, overwrite);
        }

        if (height - i >= SmallRowGroup)
        {
            Block4x16(ref rowsOfA.At(ref a, i), rowsOfA.Row, rowsOfA.Step, count, ref panel, PanelColumns, ref Unsafe.Add(ref c, i * cStride), cStride, overwrite);
            i += SmallRowGroup;
        }

        for (; i < height; i++)
        {
            Block1x16(ref rowsOfA.At(ref a, i), rowsOfA.Step, count, ref panel, ref Unsafe.Add(ref c, i * cStride), overwrite);
        }
    }

    // Rows of C against two adjacent full panels with the 512-bit 6 x 32 block; rows left over from the 6-row blocks
    // take each panel in turn.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelPairRows(ref float a, RowPanels rowsOfA, int count, ref float panel, int height, ref float c, nint cStride, bool overwrite)
    {
        ref float next = ref Unsafe.Add(ref panel, PanelColumns * count);
        int i = 0;
        for (; i + ProductRows <= height; i += ProductRows)
        {
            Block6x32(ref rowsOfA.At(ref a, i), rowsOfA.Row, rowsOfA.Step, count, ref panel, ref next, PanelColumns, ref Unsafe.Add(ref c, i * cStride), cStride, overwrite);
        }

        if (i < height)
        {
            PanelRows(ref rowsOfA.At(ref a, i), rowsOfA, count, ref panel, height - i, ref Unsafe.Add(ref c, i * cStride), cStride, overwrite);
            PanelRows(ref rowsOfA.At(ref a, i), rowsOfA, count, ref next, height - i, ref Unsafe.Add(ref c, (i * cStride) + PanelColumns), cStride, overwrite);
        }
    }

    // The last panel, narrower than 16 columns (zeros packed past its width): each block of rows runs on a copy of its
    // columns of C in a 16-column tile, and only the panel's columns are copied back, so the same register blocks run
    // and nothing is written past C's row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PartialPanelRows(ref float a, RowPanels rowsOfA, int count, ref float panel, int height, ref float c, nint cStride, int width, bool overwrite)
    {
        Span<float> tile = stackalloc float[ProductRows * PanelColumns];
        ref float t = ref MemoryMarshal.GetReference(tile);
        for (int i = 0; i < height; i += ProductRows)
        {
            int tileRows = Math.Min(ProductRows, height - i);
            ref float cRows = ref Unsafe.Add(ref c, i * cStride);
            for (int r = 0; r < tileRows && !overwrite; r++)
            {
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref cRows, r * cStride), width).CopyTo(tile.Slice(r * PanelColumns));
            }

            PanelRows(ref rowsOfA.At(ref a, i), rowsOfA, count, ref panel, tileRows, ref t, PanelColumns, overwrite);
            for (int r = 0; r < tileRows; r++)
            {
                tile.Slice(r * PanelColumns, width).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref cRows, r * cStride), width));
            }
        }
    }
}
