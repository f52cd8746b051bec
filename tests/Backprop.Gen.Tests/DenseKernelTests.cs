using System;
using Xunit;
using Backprop.Kernels;

namespace Backprop.Tests;

/// <summary>
/// The register-blocked products against plain double loops, over shapes that hit every block and remainder path
/// (rows and inner sizes around the 8-, 6- and 4-row blocks, inner sizes at the edge of the 256-long slices, columns around
/// the 8- and 16-column vectors, the 32-column blocks and the 64- and 128-column rows of processors with AVX-512); the packed products also around their panels, 512-column blocks and 120-row passes,
/// with widths and inner sizes of 1000+.
/// </summary>
public sealed class DenseKernelTests
{
    // Rows (and, for the weight gradient, inner sizes) around the 8-, 6- and 4-row blocks: with 512-bit blocks the
    // forward product covers every even count of 4 or more (8 alone, 10 = 6 + 4, 12 = 8 + 4, 14 = 8 + 6,
    // 18 = 8 + 6 + 4, 22 = 16 + 6, 64 = 8 x 8; 9 = 8 + a single row), with 256-bit ones 6s, a 4 and single rows (2, 14 =
    // 12 + 2); columns also at whole 32-column panels (64), where the weight gradient takes 8-row blocks.
    private static readonly int[] Rows = { 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 14, 16, 18, 22, 64 };
    private static readonly int[] Inner = { 1, 4, 7, 10, 20, 256, 257 };
    private static readonly int[] Columns = { 1, 7, 8, 10, 15, 16, 17, 33, 40, 64, 70, 129, 200 };

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
    public void Packed_products_match_the_definition_and_the_bits_of_the_products_in_place()
    {
        var random = new Random(3);
        float[] pack = new float[KernelGeometry.PackLength(4096, transposedA: true)];
        ForEachPackedShape((rows, inner, columns) =>
        {
            string shape = $"{rows}x{inner}x{columns}";
            float[] a = Fill(random, rows * inner), w = Fill(random, inner * columns), d = Fill(random, rows * columns);

            // Z += A W: each row is one chain of multiply-adds over the inner dimension in order, whether packed, in place
            // or alone.
            float[] initial = Fill(random, rows * columns);
            float[] z = Guarded(initial);
            DenseKernels.PackedMultiplyAdd(a, rows, inner, w, columns, z, pack);
            AssertGuardKept(z, shape);
            AssertClose(Product(rows, inner, columns, initial, (r, k) => a[(r * inner) + k], (k, j) => w[(k * columns) + j]), z[..^1], inner, "Z " + shape);
            float[] inPlace = (float[])initial.Clone();
            DenseKernels.MultiplyAdd(a, rows, inner, w, columns, inPlace);
            Assert.Equal(inPlace, z[..^1]);

            // dW += A^T dZ: a chain over the rows in order, the same bits as the product in place.
            float[] gradient = Fill(random, inner * columns);
            float[] g = Guarded(gradient);
            DenseKernels.PackedMultiplyAddTransposed(a, rows, inner, d, columns, g, pack);
            AssertGuardKept(g, shape);
            AssertClose(Product(inner, rows, columns, gradient, (k, r) => a[(r * inner) + k], (r, j) => d[(r * columns) + j]), g[..^1], rows, "dW " + shape);
            float[] gInPlace = (float[])gradient.Clone();
            DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, gInPlace);
            Assert.Equal(gInPlace, g[..^1]);

            // dA += dZ W^T, with W^T packed as it is copied; every row alone gives the same bits.
            float[] inputGradient = Fill(random, rows * inner);
            float[] da = Guarded(inputGradient);
            DenseKernels.PackedMultiplyAddByTransposed(d, rows, columns, w, inner, da, pack);
            AssertGuardKept(da, shape);
            AssertClose(Product(rows, columns, inner, inputGradient, (r, j) => d[(r * columns) + j], (j, k) => w[(k * columns) + j]), da[..^1], columns, "dA " + shape);
            foreach (int r in new[] { 0, rows / 2, rows - 1 })
            {
                float[] single = inputGradient.AsSpan(r * inner, inner).ToArray();
                DenseKernels.PackedMultiplyAddByTransposed(d.AsSpan(r * columns, columns), 1, columns, w, inner, single, pack);
                Assert.Equal(da.AsSpan(r * inner, inner).ToArray(), single);
            }
        });
    }

    [Theory]
    [InlineData(64, 784, 128, true)] // the forward product chained over W's rows in groups of 8 rows
    [InlineData(67, 1001, 203, true)] // a last group of 3 rows; the last part also takes W's rows past the 6-row blocks
    [InlineData(45, 300, 203, true)] // a last group of 5 rows (a 4-row block and a tail), 11 masked columns
    [InlineData(130, 300, 530, true)]
    [InlineData(20, 784, 128, false)] // too few rows to chain: the forward product splits its columns
    [InlineData(22, 300, 203, false)] // split columns, the last part with 11 masked columns and 22 rows (8, 8 and 6)
    public void Products_split_over_a_team_give_the_bits_of_one_thread(int rows, int inner, int columns, bool chained)
    {
        var random = new Random(rows);
        float[] a = Fill(random, rows * inner), w = Fill(random, inner * columns), d = Fill(random, rows * columns);
        float[] z0 = Fill(random, rows * columns), g0 = Fill(random, inner * columns), da0 = Fill(random, rows * inner);
        float[] pack = new float[KernelGeometry.PackLength(4096, transposedA: true)];
        float[][] Products()
        {
            float[] z = (float[])z0.Clone(), zPacked = (float[])z0.Clone(), g = (float[])g0.Clone(), gPacked = (float[])g0.Clone(), da = (float[])da0.Clone();
            float[] gWritten = new float[inner * columns], gPackedWritten = new float[inner * columns];
            gWritten.AsSpan().Fill(float.NaN);
            gPackedWritten.AsSpan().Fill(float.NaN);
            DenseKernels.MultiplyAdd(a, rows, inner, w, columns, z);
            DenseKernels.PackedMultiplyAdd(a, rows, inner, w, columns, zPacked, pack);
            DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, g);
            DenseKernels.PackedMultiplyAddTransposed(a, rows, inner, d, columns, gPacked, pack);
            DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, gWritten, overwrite: true);
            DenseKernels.PackedMultiplyAddTransposed(a, rows, inner, d, columns, gPackedWritten, pack, overwrite: true);
            DenseKernels.PackedMultiplyAddByTransposed(d, rows, columns, w, inner, da, pack);
            return new[] { z, zPacked, g, gPacked, da, gWritten, gPackedWritten };
        }

        float[][] alone = Products();
        // Without workers (as when they are not scheduled) the caller runs every part itself.
        foreach ((int threads, bool workers) in new[] { (2, true), (3, true), (2, false) })
        {
            using var team = new Backprop.Threading.WorkerTeam(threads, "test", workers);
            using (ProductTeam.Enter(team))
            {
                Assert.True(ProductTeam.Parts((long)rows * inner * columns, int.MaxValue) > 1, "the products must split");
                Assert.Equal(chained, ProductTeam.ChainsForward(rows, inner, threads));
                float[][] split = Products();
                for (int i = 0; i < alone.Length; i++)
                {
                    Assert.True(alone[i].AsSpan().SequenceEqual(split[i]), $"product {i} on {threads} threads, workers {workers}");
                }
            }
        }
    }

    [Fact]
    public void Weight_gradients_that_overwrite_give_the_bits_of_adding_to_a_cleared_gradient()
    {
        // A gradient's first block of rows writes dW and db instead of adding to a cleared buffer: whatever the buffer
        // held (NaN here) must not show, and every value must have the bits of the sum started from zero, on every
        // path (register blocks, tails, masked columns, packed slices past the first, the portable kernel).
        var random = new Random(6);
        float[] pack = new float[KernelGeometry.PackLength(4096, transposedA: true)];
        void Check(int rows, int inner, int columns, bool packed)
        {
            string shape = $"{rows}x{inner}x{columns}{(packed ? " packed" : string.Empty)}";
            float[] a = Fill(random, rows * inner), d = Fill(random, rows * columns);
            float[] cleared = new float[(inner * columns) + 1], written = new float[(inner * columns) + 1];
            cleared[^1] = 12345f;
            written.AsSpan().Fill(float.NaN);
            written[^1] = 12345f;
            if (packed)
            {
                DenseKernels.PackedMultiplyAddTransposed(a, rows, inner, d, columns, cleared, pack);
                DenseKernels.PackedMultiplyAddTransposed(a, rows, inner, d, columns, written, pack, overwrite: true);
            }
            else
            {
                DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, cleared);
                DenseKernels.MultiplyAddTransposed(a, rows, inner, d, columns, written, overwrite: true);
            }

            AssertGuardKept(written, shape);
            BitAssert.Equal(cleared, written, shape);
            if (packed)
            {
                // dA = dZ W^T, which the backward pass writes rather than adds to.
                float[] w = Fill(random, inner * columns);
                float[] inputGradient = new float[(rows * inner) + 1], inputWritten = new float[(rows * inner) + 1];
                inputWritten.AsSpan().Fill(float.NaN);
                inputWritten[^1] = 12345f;
                DenseKernels.PackedMultiplyAddByTransposed(d, rows, columns, w, inner, inputGradient, pack);
                DenseKernels.PackedMultiplyAddByTransposed(d, rows, columns, w, inner, inputWritten, pack, overwrite: true);
                AssertGuardKept(inputWritten, "dA " + shape);
                BitAssert.Equal(inputGradient[..^1], inputWritten[..^1], "dA " + shape);
            }
            else
            {
                written.AsSpan().Fill(float.NaN);
                DenseKernels.PortableMultiplyAddTransposed(a, rows, inner, d, columns, written, overwrite: true);
                float[] portable = new float[(inner * columns) + 1];
                DenseKernels.PortableMultiplyAddTransposed(a, rows, inner, d, columns, portable, overwrite: false);
                BitAssert.Equal(portable[..^1], written[..^1], "portable " + shape);
            }
        }

        ForEachShape((rows, inner, columns) => Check(rows, inner, columns, packed: false));
        ForEachPackedShape((rows, inner, columns) => Check(rows, inner, columns, packed: true));
        // More rows than one 256-step slice of the packed product's inner dimension: the slices after the first add to
        // what the first one wrote.
        Check(300, 40, 37, packed: true);
        Check(530, 17, 529, packed: true);

        float[] matrix = Fill(random, 5 * 13), sums = Fill(random, 13), fromZero = new float[13];
        RowKernels.AddColumnSums<float>(matrix, fromZero);
        sums.AsSpan().Fill(float.NaN);
        RowKernels.AddColumnSums<float>(matrix, sums, overwrite: true);
        BitAssert.Equal(fromZero, sums, "column sums");
    }

    [Fact]
    public void Packed_products_refuse_a_pack_too_small()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            DenseKernels.PackedMultiplyAdd(new float[6 * 4], 6, 4, new float[4 * 16], 16, new float[6 * 16], new float[100]));
        Assert.Equal("pack", error.ParamName);
    }

    [Fact]
    public void Short_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAdd(new float[5], 2, 3, new float[6], 2, new float[4]));
        Assert.Throws<ArgumentException>(() => DenseKernels.MultiplyAddTransposed(new float[6], 2, 3, new float[3], 2, new float[6]));
        Assert.Throws<ArgumentException>(() => DenseKernels.PackedMultiplyAddByTransposed(new float[6], 2, 3, new float[6], 2, new float[3], new float[KernelGeometry.PackLength(2, transposedA: false)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(64)]
    public void Column_sums_add_every_row_in_order_and_refuse_partial_rows(int width)
    {
        // Vector bodies and tails: the sums are those of adding the rows one at a time, in float, in order.
        var random = new Random(width);
        float[] matrix = Fill(random, 5 * width), sums = Fill(random, width), expected = (float[])sums.Clone();
        for (int row = 0; row < 5; row++)
        {
            for (int j = 0; j < width; j++)
            {
                expected[j] += matrix[(row * width) + j];
            }
        }

        RowKernels.AddColumnSums<float>(matrix, sums);
        Assert.Equal(expected, sums);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => RowKernels.AddColumnSums<float>(new float[(2 * width) + 1], new float[width + 1])).ParamName);
    }

    [Fact]
    public void The_portable_products_match_the_definition_and_each_row_is_independent_of_its_block()
    {
        // The products of processors without FMA (a native publish for the x64 baseline, arm64), called directly so
        // that they run on this machine too: 4 x 8 blocks of 128-bit vectors, a separate multiply and add per term.
        var random = new Random(5);
        ForEachShape((rows, inner, columns) =>
        {
            float[] a = Fill(random, rows * inner), w = Fill(random, inner * columns), initial = Fill(random, rows * columns);
            float[] z = (float[])initial.Clone();
            DenseKernels.PortableMultiplyAdd(a, rows, inner, w, columns, z);
            AssertClose(Product(rows, inner, columns, initial, (i, t) => a[(i * inner) + t], (t, j) => w[(t * columns) + j]), z, inner, $"portable {rows}x{inner}x{columns}");
            for (int r = 0; r < rows; r++)
            {
                float[] single = initial.AsSpan(r * columns, columns).ToArray();
                DenseKernels.PortableMultiplyAdd(a.AsSpan(r * inner, inner), 1, inner, w, columns, single);
                Assert.Equal(z.AsSpan(r * columns, columns).ToArray(), single);
            }

            float[] d = Fill(random, rows * columns), start = Fill(random, inner * columns);
            float[] g = (float[])start.Clone();
            DenseKernels.PortableMultiplyAddTransposed(a, rows, inner, d, columns, g, overwrite: false);
            AssertClose(Product(inner, rows, columns, start, (k, t) => a[(t * inner) + k], (t, j) => d[(t * columns) + j]), g, rows, $"portable dW {rows}x{inner}x{columns}");
        });
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

    // Rows around the 6- and 4-row blocks and past a pass of 120 rows; inner sizes around the 256-step slices, up to
    // 1000+; columns around the 16-column panels and the 512-column blocks, up to 1000+. Shapes whose double loops
    // would take long are left out (each boundary still meets the others in smaller shapes).
    private static void ForEachPackedShape(Action<int, int, int> test)
    {
        foreach (int rows in new[] { 1, 5, 6, 11, 125 })
        {
            foreach (int inner in new[] { 1, 9, 256, 257, 1030 })
            {
                foreach (int columns in new[] { 1, 8, 17, 33, 512, 529, 1030 })
                {
                    if ((long)rows * inner * columns <= 20_000_000)
                    {
                        test(rows, inner, columns);
                    }
                }
            }
        }
    }

    // C0 + X Y in double, X m x t and Y t x n given element by element.
    private static double[] Product(int m, int t, int n, float[] initial, Func<int, int, float> x, Func<int, int, float> y)
    {
        double[] result = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = initial[(i * n) + j];
                for (int k = 0; k < t; k++)
                {
                    sum += (double)x(i, k) * y(k, j);
                }

                result[(i * n) + j] = sum;
            }
        }

        return result;
    }

    // A copy with one guard value past the end, which the product must leave alone.
    private static float[] Guarded(float[] values)
    {
        float[] guarded = new float[values.Length + 1];
        values.CopyTo(guarded, 0);
        guarded[^1] = 12345f;
        return guarded;
    }

    private static void AssertGuardKept(float[] guarded, string shape) => Assert.True(guarded[^1] == 12345f, $"{shape}: wrote past the end.");

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
