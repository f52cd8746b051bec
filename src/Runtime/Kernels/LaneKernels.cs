using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

        ref float first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(tile);
        for (int k = 0; k < width; k++)
        {
            columns[k] = Vector256.Create(
                Unsafe.Add(ref first, k),
                Unsafe.Add(ref first, width + k),
                Unsafe.Add(ref first, (2 * width) + k),
                Unsafe.Add(ref first, (3 * width) + k),
                Unsafe.Add(ref first, (4 * width) + k),
                Unsafe.Add(ref first, (5 * width) + k),
                Unsafe.Add(ref first, (6 * width) + k),
                Unsafe.Add(ref first, (7 * width) + k));
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

        ref float first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(tile);
        for (int k = 0; k < width; k++)
        {
            Vector256<float> column = columns[k];
            for (int i = 0; i < Lanes; i++)
            {
                Unsafe.Add(ref first, (i * width) + k) = column.GetElement(i);
            }
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
