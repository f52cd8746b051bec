namespace Backprop.Kernels;

/// <summary>
/// The row counts the kernels work in, compiled into both the runtime kernels and the generator (which emits loops
/// over the same tiles and sizes a network's blocks of rows by them), so that both always agree.
/// </summary>
internal static class KernelGeometry
{
    /// <summary>Rows per tile of the examples-in-lanes kernels: the float lanes of a 256-bit vector.</summary>
    public const int Lanes = 8;

    /// <summary>Rows per register block of the blocked products (<c>DenseKernels</c>'s 6 x 16 and 6 x 32 blocks).</summary>
    public const int ProductRows = 6;

    /// <summary>The byte boundary of a network's parameter vector (<c>ParameterVector</c>): a cache line, and a
    /// 512-bit vector.</summary>
    public const int VectorAlignment = 64;

    /// <summary>
    /// A block of rows holds whole groups of this many rows when it can, so that no kernel has rows left over inside a
    /// block: 24 rows are four 6-row product blocks and three 8-row lane tiles.
    /// </summary>
    public const int RowGroup = 24;

    /// <summary>The row group of blocks too small for <see cref="RowGroup"/>: the product's narrower 4-row block.</summary>
    public const int SmallRowGroup = 4;

    /// <summary>
    /// Float layers with at least this many outputs (one vector) use the register-blocked products (DenseKernels), whose
    /// rows or columns a product team can split over threads (WideLayerKernelBenchmark, down to 10 outputs).
    /// </summary>
    public const int MinBlockedColumns = 8;

    /// <summary>Columns of a packed panel of B in the packed products: the register block's 16 columns.</summary>
    public const int PanelColumns = 16;

    /// <summary>
    /// A slice of the inner dimension in the packed products: a panel of B over it is 16 KB, half of a 32 KB L1 data
    /// cache, and every output's sum still runs over the inner dimension in order, slice after slice.
    /// </summary>
    public const int PackedInner = 256;

    /// <summary>The most columns of B packed at once: 512 columns of a slice are 512 KB, within a core's L2 cache.</summary>
    public const int PackedColumns = 512;

    /// <summary>The rows of C per pass over a packed block of B: 120 rows of A's slice are 120 KB, in L2 beside it.</summary>
    public const int PackedRows = 120;

    /// <summary>
    /// The floats a packed product with <paramref name="columns"/> columns needs: a block of B packed
    /// (<see cref="PackedBLength"/>), then, for <c>A^T B</c>, a block of A^T packed (<see cref="PackedRows"/> x
    /// <see cref="PackedInner"/>).
    /// </summary>
    /// <param name="columns">The columns of the product's result.</param>
    /// <param name="transposedA">Whether the product is <c>A^T B</c> (a weight gradient), which packs A^T too.</param>
    public static int PackLength(int columns, bool transposedA) => PackedBLength(columns) + (transposedA ? PackedRows * PackedInner : 0);

    /// <summary>The floats of a packed block of B: <see cref="PackedInner"/> steps of whole 16-column panels, up to <see cref="PackedColumns"/>.</summary>
    /// <param name="columns">The columns of the product's result.</param>
    public static int PackedBLength(int columns) =>
        PackedInner * System.Math.Min(PackedColumns, (columns + PanelColumns - 1) / PanelColumns * PanelColumns);
}
