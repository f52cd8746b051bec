using System;

namespace Backprop.Kernels;

public static partial class DenseKernels
{
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
}
