using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Row-wise steps around a layer's products that generated code would otherwise spell out as a loop per layer: starting
/// every row of Z from the bias, and summing the rows of dZ into db.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class RowKernels
{
    /// <summary>Copies <paramref name="row"/> into every row of <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="row">One row of values (a layer's bias).</param>
    /// <param name="destination">Whole rows of <paramref name="row"/>'s length.</param>
    public static void BroadcastRows<T>(ReadOnlySpan<T> row, Span<T> destination)
    {
        for (int start = 0; start < destination.Length; start += row.Length)
        {
            row.CopyTo(destination.Slice(start, row.Length));
        }
    }

    /// <summary>
    /// Adds every row of <paramref name="matrix"/> to <paramref name="sums"/>, row after row in order (so the bits are
    /// those of adding the rows one at a time): <c>db += column sums of dZ</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="matrix">Whole rows of <paramref name="sums"/>'s length.</param>
    /// <param name="sums">The running column sums.</param>
    public static void AddColumnSums<T>(ReadOnlySpan<T> matrix, Span<T> sums)
        where T : IAdditionOperators<T, T, T>, IAdditiveIdentity<T, T>
    {
        for (int start = 0; start < matrix.Length; start += sums.Length)
        {
            TensorPrimitives.Add(sums, matrix.Slice(start, sums.Length), sums);
        }
    }
}
