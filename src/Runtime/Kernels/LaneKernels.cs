using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Moves a tile of eight rows between the row-major layout of a batch and one vector per column, with the rows in the
/// vector's lanes (structure of arrays). Generated networks use it for layers narrower than a vector, which then
/// compute eight examples per instruction instead of one (LayerKernelBenchmark).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class LaneKernels
{
    /// <summary>The number of rows in a tile: the float lanes of a 256-bit vector.</summary>
    public const int Lanes = KernelGeometry.Lanes;

    /// <summary>
    /// The rows of a block that run as whole tiles: <paramref name="rows"/> rounded down to a multiple of
    /// <see cref="Lanes"/>, or 0 without 256-bit vector hardware (where <see cref="Vector256{T}"/> is emulated in software
    /// and every row runs the one-row code).
    /// </summary>
    /// <param name="rows">The block's row count.</param>
    /// <returns>The number of leading rows to run in tiles; the rest run one at a time.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TiledRows(int rows) => Vector256.IsHardwareAccelerated ? rows - (rows % Lanes) : 0;

    /// <summary>Column <paramref name="column"/> of an 8-row tile as one vector, row <c>i</c> in lane <c>i</c>.</summary>
    /// <param name="tile">Eight consecutive rows of <paramref name="width"/> values.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="column">The column, 0 to <paramref name="width"/> - 1.</param>
    /// <returns>The column's eight values.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Column(ReadOnlySpan<float> tile, int width, int column)
    {
        if ((uint)column >= (uint)width || tile.Length < Lanes * width)
        {
            throw new ArgumentException("The column is outside the tile.", nameof(column));
        }

        ref float first = ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(tile), column);
        return Vector256.Create(
            first,
            Unsafe.Add(ref first, width),
            Unsafe.Add(ref first, 2 * width),
            Unsafe.Add(ref first, 3 * width),
            Unsafe.Add(ref first, 4 * width),
            Unsafe.Add(ref first, 5 * width),
            Unsafe.Add(ref first, 6 * width),
            Unsafe.Add(ref first, 7 * width));
    }

    /// <summary>
    /// Columns <paramref name="column"/> to <paramref name="column"/> + 7 of an 8-row tile as eight vectors, row <c>i</c>
    /// in lane <c>i</c>: eight row loads and an 8 x 8 transpose in registers, in place of 64 single loads.
    /// </summary>
    /// <param name="tile">Eight consecutive rows of <paramref name="width"/> values.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="column">The first of the eight columns; <paramref name="column"/> + 8 &lt;= <paramref name="width"/>.</param>
    /// <param name="c0">Column <paramref name="column"/>.</param>
    /// <param name="c1">The next column.</param>
    /// <param name="c2">The next column.</param>
    /// <param name="c3">The next column.</param>
    /// <param name="c4">The next column.</param>
    /// <param name="c5">The next column.</param>
    /// <param name="c6">The next column.</param>
    /// <param name="c7">Column <paramref name="column"/> + 7.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Columns8(
        ReadOnlySpan<float> tile,
        int width,
        int column,
        out Vector256<float> c0,
        out Vector256<float> c1,
        out Vector256<float> c2,
        out Vector256<float> c3,
        out Vector256<float> c4,
        out Vector256<float> c5,
        out Vector256<float> c6,
        out Vector256<float> c7)
    {
        if (column < 0 || column + Lanes > width || tile.Length < Lanes * width)
        {
            throw new ArgumentException("The columns are outside the tile.", nameof(column));
        }

        if (!Avx.IsSupported)
        {
            c0 = Column(tile, width, column);
            c1 = Column(tile, width, column + 1);
            c2 = Column(tile, width, column + 2);
            c3 = Column(tile, width, column + 3);
            c4 = Column(tile, width, column + 4);
            c5 = Column(tile, width, column + 5);
            c6 = Column(tile, width, column + 6);
            c7 = Column(tile, width, column + 7);
            return;
        }

        Transpose8x8(ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(tile), column), (nuint)width, out c0, out c1, out c2, out c3, out c4, out c5, out c6, out c7);
    }

    // Eight rows of eight values from first on, rows stride apart, as eight vectors: value i of row r in lane r of
    // vector i. Columns8 reads a tile with it, and the packed products pack W^T with it (DenseKernels.Pack.cs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(
        ref float first,
        nuint stride,
        out Vector256<float> c0,
        out Vector256<float> c1,
        out Vector256<float> c2,
        out Vector256<float> c3,
        out Vector256<float> c4,
        out Vector256<float> c5,
        out Vector256<float> c6,
        out Vector256<float> c7)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref first);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref first, stride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref first, 2 * stride);
        Vector256<float> r3 = Vector256.LoadUnsafe(ref first, 3 * stride);
        Vector256<float> r4 = Vector256.LoadUnsafe(ref first, 4 * stride);
        Vector256<float> r5 = Vector256.LoadUnsafe(ref first, 5 * stride);
        Vector256<float> r6 = Vector256.LoadUnsafe(ref first, 6 * stride);
        Vector256<float> r7 = Vector256.LoadUnsafe(ref first, 7 * stride);

        // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(u0, u4, 0x20);
        c1 = Avx.Permute2x128(u1, u5, 0x20);
        c2 = Avx.Permute2x128(u2, u6, 0x20);
        c3 = Avx.Permute2x128(u3, u7, 0x20);
        c4 = Avx.Permute2x128(u0, u4, 0x31);
        c5 = Avx.Permute2x128(u1, u5, 0x31);
        c6 = Avx.Permute2x128(u2, u6, 0x31);
        c7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>Stores a vector as column <paramref name="column"/> of an 8-row tile: the inverse of <see cref="Column"/>.</summary>
    /// <param name="tile">Receives the column of eight consecutive rows of <paramref name="width"/> values.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="column">The column, 0 to <paramref name="width"/> - 1.</param>
    /// <param name="values">The column's eight values, row <c>i</c> in lane <c>i</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetColumn(Span<float> tile, int width, int column, Vector256<float> values)
    {
        if ((uint)column >= (uint)width || tile.Length < Lanes * width)
        {
            throw new ArgumentException("The column is outside the tile.", nameof(column));
        }

        ref float first = ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(tile), column);
        first = values.GetElement(0);
        Unsafe.Add(ref first, width) = values.GetElement(1);
        Unsafe.Add(ref first, 2 * width) = values.GetElement(2);
        Unsafe.Add(ref first, 3 * width) = values.GetElement(3);
        Unsafe.Add(ref first, 4 * width) = values.GetElement(4);
        Unsafe.Add(ref first, 5 * width) = values.GetElement(5);
        Unsafe.Add(ref first, 6 * width) = values.GetElement(6);
        Unsafe.Add(ref first, 7 * width) = values.GetElement(7);
    }

    /// <summary>Loads column <c>k</c> of an 8-row tile into <c>columns[k]</c>, row <c>i</c> into lane <c>i</c>.</summary>
    /// <param name="tile">Eight consecutive rows of <paramref name="width"/> values.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="columns">Receives <paramref name="width"/> vectors.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gather(ReadOnlySpan<float> tile, int width, Span<Vector256<float>> columns)
    {
        if (tile.Length < Lanes * width || columns.Length < width)
        {
            throw new ArgumentException("A span is shorter than the tile.");
        }

        for (int k = 0; k < width; k++)
        {
            columns[k] = Column(tile, width, k);
        }
    }

    /// <summary>Stores <c>columns[k]</c> as column <c>k</c> of an 8-row tile: the inverse of <see cref="Gather"/>.</summary>
    /// <param name="columns"><paramref name="width"/> vectors, row <c>i</c> in lane <c>i</c>.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="tile">Receives eight consecutive rows of <paramref name="width"/> values.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scatter(ReadOnlySpan<Vector256<float>> columns, int width, Span<float> tile)
    {
        if (tile.Length < Lanes * width || columns.Length < width)
        {
            throw new ArgumentException("A span is shorter than the tile.");
        }

        for (int k = 0; k < width; k++)
        {
            SetColumn(tile, width, k, columns[k]);
        }
    }

    /// <summary>Fills <c>lanes[i]</c> with copies of <c>values[i]</c> (a layer's weights, once per block of rows).</summary>
    /// <param name="values">The values to broadcast.</param>
    /// <param name="lanes">Receives one vector per value.</param>
    public static void Broadcast(ReadOnlySpan<float> values, Span<Vector256<float>> lanes)
    {
        if (lanes.Length < values.Length)
        {
            throw new ArgumentException("The destination is shorter than the values.", nameof(lanes));
        }

        for (int i = 0; i < values.Length; i++)
        {
            lanes[i] = Vector256.Create(values[i]);
        }
    }

    /// <summary>Adds the sum of each vector's lanes to the matching value: <c>destination[i] += sum(partialSums[i])</c>.</summary>
    /// <param name="partialSums">Per-lane partial sums.</param>
    /// <param name="destination">As many values as <paramref name="partialSums"/>; accumulated into.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per block of a fused kernel, from the first step on
    public static void AddLaneSums(ReadOnlySpan<Vector256<float>> partialSums, Span<float> destination)
    {
        if (destination.Length < partialSums.Length)
        {
            throw new ArgumentException("The destination is shorter than the partial sums.", nameof(destination));
        }

        for (int i = 0; i < partialSums.Length; i++)
        {
            destination[i] += Vector256.Sum(partialSums[i]);
        }
    }
}
