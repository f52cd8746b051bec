using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>
/// Row-wise steps around a layer's products that generated code would otherwise spell out as a loop per layer: starting
/// every row of Z from the bias, and summing the rows of dZ into db.
/// </summary>
/// <remarks>
/// Both run once per block of rows and are compiled optimized from their first call, as the product kernels are: at the
/// JIT's first tier they made a fresh process's W3 steps about a quarter slower for its first few hundred steps
/// (docs/performance.md, "Compiled optimized from the first call").
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class RowKernels
{
    /// <summary>Copies <paramref name="row"/> into every row of <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="row">One row of values (a layer's bias).</param>
    /// <param name="destination">Whole rows of <paramref name="row"/>'s length.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    /// <param name="overwrite">Whether the sums start from zero instead of their values (a gradient's first block of rows).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddColumnSums<T>(ReadOnlySpan<T> matrix, Span<T> sums, bool overwrite = false)
        where T : unmanaged, IAdditionOperators<T, T, T>, IAdditiveIdentity<T, T>
    {
        if (sums.IsEmpty ? !matrix.IsEmpty : matrix.Length % sums.Length != 0)
        {
            throw new ArgumentException("The matrix must hold whole rows as long as the sums.", nameof(matrix));
        }

        if (overwrite)
        {
            sums.Clear();
        }

        ref T sum = ref MemoryMarshal.GetReference(sums);
        for (int start = 0; start < matrix.Length; start += sums.Length)
        {
            ref T row = ref Unsafe.Add(ref MemoryMarshal.GetReference(matrix), start);
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                for (; i <= sums.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    (Vector.LoadUnsafe(ref sum, (nuint)i) + Vector.LoadUnsafe(ref row, (nuint)i)).StoreUnsafe(ref sum, (nuint)i);
                }
            }

            for (; i < sums.Length; i++)
            {
                Unsafe.Add(ref sum, i) += Unsafe.Add(ref row, i);
            }
        }
    }
}
