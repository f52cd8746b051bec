using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

// The element functions over a whole layer of a tile (one vector per unit) or of a row (one float per unit): the fused
// kernels of wider networks keep a layer's values in a span and call these once per layer.
public static partial class LaneMath
{
    /// <summary>Applies <see cref="Relu(Vector256{float})"/> to each vector: one layer of a tile.</summary>
    /// <param name="z">The layer's pre-activations, one vector per unit.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Relu(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a) => ApplyEach<ReluFunction>(z, a);

    /// <summary>Applies <see cref="Relu(float)"/> to each value: one layer of a row.</summary>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Relu(ReadOnlySpan<float> z, Span<float> a) => ApplyEach<ReluFunction>(z, a);

    /// <summary>Applies <see cref="LeakyRelu(Vector256{float})"/> to each vector: one layer of a tile.</summary>
    /// <param name="z">The layer's pre-activations, one vector per unit.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void LeakyRelu(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a) => ApplyEach<LeakyReluFunction>(z, a);

    /// <summary>Applies <see cref="LeakyRelu(float)"/> to each value: one layer of a row.</summary>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void LeakyRelu(ReadOnlySpan<float> z, Span<float> a) => ApplyEach<LeakyReluFunction>(z, a);

    /// <summary>Applies <see cref="Sigmoid(Vector256{float})"/> to each vector: one layer of a tile.</summary>
    /// <param name="z">The layer's pre-activations, one vector per unit.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Sigmoid(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a) => ApplyEach<SigmoidFunction>(z, a);

    /// <summary>Applies <see cref="Sigmoid(float)"/> to each value: one layer of a row.</summary>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a) => ApplyEach<SigmoidFunction>(z, a);

    /// <summary>Applies <see cref="Tanh(Vector256{float})"/> to each vector: one layer of a tile.</summary>
    /// <param name="z">The layer's pre-activations, one vector per unit.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Tanh(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a) => ApplyEach<TanhFunction>(z, a);

    /// <summary>Applies <see cref="Tanh(float)"/> to each value: one layer of a row.</summary>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="a">Receives the activations; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a) => ApplyEach<TanhFunction>(z, a);

    /// <summary>
    /// Softmax over the units of a tile, lane by lane: <c>a_j = e^(z_j - max) / sum_k e^(z_k - max)</c> with the maximum
    /// and the sum taken over the units in order, as <see cref="Softmax(ReadOnlySpan{float}, Span{float})"/> does for a row.
    /// </summary>
    /// <param name="z">The logits, one vector per unit.</param>
    /// <param name="a">Receives the probabilities; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Softmax(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a)
    {
        RequireSameLength(z.Length, a.Length);
        Vector256<float> max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = Max(max, z[i]);
        }

        Vector256<float> sum = Vector256<float>.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Exp(z[i] - max);
            sum += a[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            a[i] /= sum;
        }
    }

    /// <summary>Softmax over the units of one row: the same operations as the tile form.</summary>
    /// <param name="z">The logits.</param>
    /// <param name="a">Receives the probabilities; as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the fused kernels from their first tile on
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        RequireSameLength(z.Length, a.Length);
        float max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = Max(max, z[i]);
        }

        float sum = 0f;
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Exp(z[i] - max);
            sum += a[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            a[i] /= sum;
        }
    }

    // The element functions as types, so that one loop serves each of them in both forms (a struct type argument
    // compiles the loop once per function, with the call inlined).
    private interface IElementFunction
    {
        static abstract float Apply(float x);

        static abstract Vector256<float> Apply(Vector256<float> x);
    }

    private readonly struct ReluFunction : IElementFunction
    {
        public static float Apply(float x) => Relu(x);

        public static Vector256<float> Apply(Vector256<float> x) => Relu(x);
    }

    private readonly struct LeakyReluFunction : IElementFunction
    {
        public static float Apply(float x) => LeakyRelu(x);

        public static Vector256<float> Apply(Vector256<float> x) => LeakyRelu(x);
    }

    private readonly struct SigmoidFunction : IElementFunction
    {
        public static float Apply(float x) => Sigmoid(x);

        public static Vector256<float> Apply(Vector256<float> x) => Sigmoid(x);
    }

    private readonly struct TanhFunction : IElementFunction
    {
        public static float Apply(float x) => Tanh(x);

        public static Vector256<float> Apply(Vector256<float> x) => Tanh(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyEach<TFunction>(ReadOnlySpan<Vector256<float>> z, Span<Vector256<float>> a)
        where TFunction : struct, IElementFunction
    {
        RequireSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = TFunction.Apply(z[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyEach<TFunction>(ReadOnlySpan<float> z, Span<float> a)
        where TFunction : struct, IElementFunction
    {
        RequireSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = TFunction.Apply(z[i]);
        }
    }

    private static void RequireSameLength(int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Expected {expected} values, but the destination has {actual}.", "a");
        }
    }
}
