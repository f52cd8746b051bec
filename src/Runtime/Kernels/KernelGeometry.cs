namespace Backprop.Kernels;

/// <summary>
/// The row counts the kernels work in, compiled into both the runtime kernels and the generator (which emits loops
/// over the same tiles and sizes a network's blocks of rows by them), so that both always agree.
/// </summary>
internal static class KernelGeometry
{
    /// <summary>Rows per tile of the examples-in-lanes kernels: the float lanes of a 256-bit vector.</summary>
    public const int Lanes = 8;

    /// <summary>Rows per register block of the blocked products (<c>DenseKernels</c>'s 6 x 16 and 6 x 8 blocks).</summary>
    public const int ProductRows = 6;

    /// <summary>
    /// A block of rows holds whole groups of this many rows when it can, so that no kernel has rows left over inside a
    /// block: 24 rows are four 6-row product blocks and three 8-row lane tiles.
    /// </summary>
    public const int RowGroup = 24;

    /// <summary>The row group of blocks too small for <see cref="RowGroup"/>: the product's narrower 4-row block.</summary>
    public const int SmallRowGroup = 4;
}
