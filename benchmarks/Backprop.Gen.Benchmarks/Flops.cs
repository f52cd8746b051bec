using System;

namespace Backprop.Benchmarks;

/// <summary>FLOP counts per example: forward <c>F = 2 * sum(n_in * n_out)</c>; training <c>3F - 2 * n0 * n1</c> (no dX).</summary>
internal static class Flops
{
    public static long Forward(ReadOnlySpan<int> layers)
    {
        long flops = 0;
        for (int l = 1; l < layers.Length; l++)
        {
            flops += 2L * layers[l - 1] * layers[l];
        }

        return flops;
    }

    public static long Training(ReadOnlySpan<int> layers) => (3 * Forward(layers)) - (2L * layers[0] * layers[1]);
}
