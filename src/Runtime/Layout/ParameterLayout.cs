using System;
using System.Globalization;
using System.Text;

namespace Backprop;

/// <summary>
/// The parameter layout of docs/math.md, <c>[W1, b1, W2, b2, ...]</c> with <c>W[l]</c> of <c>n(l-1) x n(l)</c> values
/// row-major, and the counts that follow from a network's shape. This one file is compiled into the runtime
/// (<see cref="NetworkArchitecture"/>, the trainer) and into the generator (the constants it emits, the size rules it
/// checks), so the offsets a generated network uses and those the runtime computes cannot drift apart.
/// </summary>
internal static class ParameterLayout
{
    /// <summary>The length of the parameter vector, as a <see cref="long"/> so that a too-large declaration can be reported.</summary>
    public static long ParameterCount(ReadOnlySpan<int> sizes, bool bias)
    {
        long count = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            count += ((long)sizes[l - 1] * sizes[l]) + (bias ? sizes[l] : 0);
        }

        return count;
    }

    /// <summary>Where <c>W[layer + 1]</c> starts: the parameters of every weight layer before it.</summary>
    public static int WeightOffset(ReadOnlySpan<int> sizes, bool bias, int layer) =>
        checked((int)ParameterCount(sizes.Slice(0, layer + 1), bias));

    /// <summary>Where <c>b[layer + 1]</c> starts: right after <c>W[layer + 1]</c>.</summary>
    public static int BiasOffset(ReadOnlySpan<int> sizes, bool bias, int layer) =>
        WeightOffset(sizes, bias, layer) + (sizes[layer] * sizes[layer + 1]);

    /// <summary>Forward FLOPs per example: <c>2 * sum(n(l-1) * n(l))</c>, the multiply-adds of the layer products.</summary>
    public static long ForwardFlops(ReadOnlySpan<int> sizes)
    {
        long flops = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            flops += 2L * sizes[l - 1] * sizes[l];
        }

        return flops;
    }

    /// <summary>
    /// Training FLOPs per example: the forward product, <c>dW = A^T dZ</c> and <c>dA = dZ W^T</c> of every layer, less the
    /// first layer's <c>dA</c> (inputs need no gradient): <c>3 F - 2 n0 n1</c>.
    /// </summary>
    public static long TrainingFlops(ReadOnlySpan<int> sizes) => (3 * ForwardFlops(sizes)) - (2L * sizes[0] * sizes[1]);

    /// <summary>The shape as text: <c>8 -> 4 (ReLU) -> 1 (Sigmoid)</c>.</summary>
    public static string DescribeShape(ReadOnlySpan<int> sizes, ReadOnlySpan<Activation> activations)
    {
        var text = new StringBuilder(sizes[0].ToString(CultureInfo.InvariantCulture));
        for (int l = 0; l < activations.Length; l++)
        {
            text.Append(" -> ").Append(sizes[l + 1].ToString(CultureInfo.InvariantCulture)).Append(" (").Append(activations[l]).Append(')');
        }

        return text.ToString();
    }
}
