using System;
using System.Runtime.CompilerServices;
using Backprop.Kernels;
using Xunit;

namespace Backprop.Tests;

/// <summary>
/// A network's parameters start on a 64-byte boundary (so the wide kernels' vector loads of a weight row never split
/// a cache line), stay there after the garbage collector compacts the heap, and behave as the span they stand for.
/// </summary>
public sealed class ParameterVectorTests
{
    [Fact]
    public void Parameters_start_on_a_cache_line_and_stay_there_after_a_compacting_collection()
    {
        var networks = new INetwork<float>[] { new TinyNet(), new SoftmaxNet(), new DeepNet() };
        var doubles = new INetwork<double>[] { new TinyNetDouble(), new DeepNetDouble() };
        for (int round = 0; round < 2; round++)
        {
            foreach (INetwork<float> network in networks)
            {
                Assert.Equal(0, Address(network.Parameters) % 64);
                Assert.Equal(network.Architecture.ParameterCount, network.Parameters.Length);
            }

            foreach (INetwork<double> network in doubles)
            {
                Assert.Equal(0, Address(network.Parameters) % 64);
            }

            // Garbage between the networks, then a compacting collection, which moves every object not pinned.
            for (int i = 0; i < 1000; i++)
            {
                _ = new byte[i % 97];
            }

            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1001)]
    public void A_vector_is_its_length_of_zeros_or_a_copy_of_its_values_at_an_aligned_address(int length)
    {
        var zeros = new ParameterVector<float>(length);
        Assert.Equal(length, zeros.Span.Length);
        Assert.All(zeros.Span.ToArray(), value => Assert.Equal(0f, value));

        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = i * 0.5;
        }

        var copy = new ParameterVector<double>(values);
        ReadOnlySpan<double> read = copy;
        Assert.Equal(values, read.ToArray());
        Span<double> written = copy;
        if (length > 0)
        {
            written[length - 1] = -1;
            Assert.Equal(-1, copy.Span[length - 1]);
            Assert.Equal(0, Address(copy.Span) % 64);
        }
    }

    private static unsafe long Address<T>(Span<T> span)
        where T : unmanaged =>
        (long)Unsafe.AsPointer(ref span.GetPinnableReference());
}
