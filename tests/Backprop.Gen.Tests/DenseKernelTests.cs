using System;
using Xunit;
using Backprop.Kernels;

namespace Backprop.Tests;

/// <summary>
/// The register-blocked products against plain double loops, over shapes that hit every block and remainder path
/// (rows and inner sizes around the 6- and 4-row blocks, inner sizes at the edge of the 256-long slices, columns around
/// the 8- and 16-column vectors).
/// </summary>
public sealed class DenseKernelTests
{
    private static readonly int[] Rows = { 1, 3, 4, 5, 6, 9, 10, 16 };
    private static readonly int[] Inner = { 1, 4, 7, 10, 20, 256, 257 };
    private static readonly int[] Columns = { 1, 7, 8, 10, 15, 16, 17, 33, 40, 70 };

    [Fact]
    public void MultiplyAdd_matches_the_definition_writes_nothing_else_and_each_row_is_independent_of_its_block()
    {
        var random = new Random(1);
        ForEachShape((rows, inner, columns) =>
        {
            float[] a = Fill(random, rows * inner), w = Fill(random, inner * columns);
            float[] initial = Fill(random, rows * columns);
            double[] expected = new double[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double sum = initial[(r * columns) + j];
                    for (int k = 0; k < inner; k++)
                    {
                        sum += (double)a[(r * inner) + k] * w[(k * columns) + j];
                    }

                    expected[(r * columns) + j] = sum;
                }
            }

            // One value past the end of Z must survive.
            float[] z = new float[(rows * columns) + 1];
            initial.CopyTo(z, 0);
            z[^1] = 12345f;
            DenseKernels.MultiplyAdd(a, rows, inner, w, columns, z);
            Assert.Equal(12345f, z[^1]);
            AssertClose(expected, z[..^1], inner, $"{rows}x{inner}x{columns}");

            // Every row alone, as Predict of one example computes it, gives the very same bits.
            for (int r = 0; r < rows; r++)
            {
                float[] single = initial.AsSpan(r * columns, columns).ToArray();
                DenseKernels.MultiplyAdd(a.AsSpan(r * inner, inner), 1, inner, w, columns, single);
                Assert.Equal(z.AsSpan(r * columns, columns).ToArray(), single);
            }
        });
    }

    [Fact]
    public void MultiplyAddTransposed_matches_the_definition()
    {
        var random = new Random(2);
        ForEachShape((rows, inner, columns) =>
        {
            float[] a = Fill(random, rows * inner), d = Fill(random, rows * columns), g = Fill(random, inner * columns);
            double[] expected = new double[inner * columns];
            for (int k = 0; k < inner; k++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double sum = g[(k * columns) + j];
                    for (int r = 0; r < rows; r++)
                    {
                        sum += (double)a[(r * inner) + k] * d[(r * columns) + j];
                    }

                    expected[(k * columns) + j] = sum;
                }
            }

            DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, g);
            AssertClose(expected, g, rows, $"{rows}x{inner}x{columns}");
        });
    }

    [Fact]
    public void Transpose_moves_every_element()
    {
        foreach (int rows in new[] { 1, 5, 8, 13 })
        {
            foreach (int columns in Columns)
            {
                float[] source = new float[rows * columns];
                for (int i = 0; i < source.Length; i++)
                {
                    source[i] = i;
                }

                float[] transposed = new float[rows * columns];
                DenseKernels.Transpose(source, rows, columns, transposed);
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        Assert.Equal(source[(r * columns) + c], transposed[(c * rows) + r]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Short_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAdd(new float[5], 2, 3, new float[6], 2, new float[4]));
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAddTransposed(new float[6], 2, 3, new float[3], 2, new float[6]));
        Assert.Throws<ArgumentException>(() => DenseKernels.Transpose(new float[6], 2, 3, new float[5]));
    }

    private static void ForEachShape(Action<int, int, int> test)
    {
        foreach (int rows in Rows)
        {
            foreach (int inner in Inner)
            {
                foreach (int columns in Columns)
                {
                    test(rows, inner, columns);
                }
            }
        }
    }

    private static float[] Fill(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    // Each term is below 1 in magnitude, so float rounding is bounded by about (terms + 1) units of 2^-24 per result.
    private static void AssertClose(double[] expected, float[] actual, int terms, string shape)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= (terms + 1) * 2.4e-7 * 2, $"{shape}, element {i}: {actual[i]} != {expected[i]}");
        }
    }
}
