using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Backprop.Kernels;

/// <summary>
/// Checks the lengths of the spans passed to a network and throws an <see cref="ArgumentException"/> that names the
/// parameter, the length it has and the length it needs. Every entry point that takes batches (NetworkBatch for the
/// generated networks, the trainer, the optimizers, the data helpers) calls these before touching any data.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class BatchArguments
{
    /// <summary>Returns the number of rows in <paramref name="length"/> values of width <paramref name="rowWidth"/>.</summary>
    /// <param name="length">The span's length.</param>
    /// <param name="rowWidth">The number of values per example.</param>
    /// <param name="parameterName">The name of the span's parameter, for the exception.</param>
    /// <returns>The number of rows, at least 1.</returns>
    /// <exception cref="ArgumentException">The length is zero or not a multiple of <paramref name="rowWidth"/>.</exception>
    public static int GetRowCount(int length, int rowWidth, string parameterName)
    {
        if (length == 0 || length % rowWidth != 0)
        {
            ThrowNotWholeRows(length, rowWidth, parameterName);
        }

        return length / rowWidth;
    }

    /// <summary>Checks that a span has exactly <paramref name="expected"/> elements.</summary>
    /// <param name="length">The span's length.</param>
    /// <param name="expected">The length required.</param>
    /// <param name="rows">The batch's row count, for the message (0 when the length does not depend on it).</param>
    /// <param name="parameterName">The name of the span's parameter, for the exception.</param>
    /// <exception cref="ArgumentException">The length differs.</exception>
    public static void RequireLength(int length, int expected, int rows, string parameterName)
    {
        if (length != expected)
        {
            ThrowWrongLength(length, expected, rows, parameterName);
        }
    }

    /// <summary>Checks that a destination span does not overlap a span the computation still reads.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The span that is read.</param>
    /// <param name="destination">The span that is written.</param>
    /// <param name="parameterName">The name of the destination's parameter, for the exception.</param>
    /// <exception cref="ArgumentException">The spans share memory.</exception>
    public static void RequireNoOverlap<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> destination, string parameterName)
    {
        if (source.Overlaps(destination))
        {
            throw new ArgumentException("The span overlaps memory that the network reads while writing it; pass a separate buffer.", parameterName);
        }
    }

    [DoesNotReturn]
    private static void ThrowNotWholeRows(int length, int rowWidth, string parameterName) =>
        throw new ArgumentException(
            $"Expected a whole number (at least 1) of rows of {rowWidth} values, but the span has {length} values. " +
            $"Pass k * {rowWidth} values for k examples, one example per row.",
            parameterName);

    [DoesNotReturn]
    private static void ThrowWrongLength(int length, int expected, int rows, string parameterName) =>
        throw new ArgumentException(
            rows > 0
                ? $"Expected {expected} values ({rows} rows of {expected / rows}, one per input row), but the span has {length}."
                : $"Expected {expected} values, but the span has {length}.",
            parameterName);
}
