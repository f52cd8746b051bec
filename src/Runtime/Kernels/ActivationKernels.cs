using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Activation functions and their backward passes, for which <see cref="TensorPrimitives"/> has no single call or
/// one that starts slowly in a new process. Generated networks call these; each states the formula it computes over
/// every element. Inputs and destinations may be the same span (in-place), but must not otherwise overlap.
/// </summary>
/// <remarks>
/// The methods with loops of their own are compiled optimized from their first call, as the product kernels are
/// (docs/performance.md, "Compiled optimized from the first call"); Sigmoid and Tanh hand their work to
/// TensorPrimitives.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class ActivationKernels
{
    /// <summary>
    /// ReLU: <c>a = max(z, 0)</c>, element for element as
    /// <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T}, T, Span{T})"/> gives it (NaN stays NaN, -0 becomes +0).
    /// </summary>
    /// <remarks>
    /// A loop of its own, compiled optimized from its first call: in a new process TensorPrimitives' generic
    /// <c>Max</c> took 16 ms to compile at its first call and then ran 6x slower (7.9 against 1.3 us for 8,192 floats)
    /// until the JIT recompiled it a few hundred calls later, which a short training run or a first Predict pays.
    /// </remarks>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The pre-activations.</param>
    /// <param name="a">The destination, as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(a.Length, z.Length, 0, nameof(a));

        // Loads and stores through refs rather than span slices: the same operations, compiled in about 2.3-3.5 ms
        // instead of 4.4-4.8 in a new process, which the first Predict pays.
        ref T zRef = ref MemoryMarshal.GetReference(z);
        ref T aRef = ref MemoryMarshal.GetReference(a);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= z.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> vz = Vector.LoadUnsafe(ref zRef, (nuint)i);
                Vector.ConditionalSelect(Vector.LessThanOrEqual(vz, Vector<T>.Zero), Vector<T>.Zero, vz).StoreUnsafe(ref aRef, (nuint)i);
            }
        }

        for (; i < z.Length; i++)
        {
            T value = Unsafe.Add(ref zRef, i);
            Unsafe.Add(ref aRef, i) = value <= T.Zero ? T.Zero : value; // NaN compares false and passes through
        }
    }

    /// <summary>Leaky ReLU: <c>a = z &gt; 0 ? z : 0.01 z</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The pre-activations.</param>
    /// <param name="a">The destination, as long as <paramref name="z"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeakyRelu<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(a.Length, z.Length, 0, nameof(a));
        T slope = LeakyReluSlope<T>();
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vSlope = new Vector<T>(slope);
            for (; i <= z.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vz = new Vector<T>(z.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(vz, Vector<T>.Zero), vz, vz * vSlope).CopyTo(a.Slice(i));
            }
        }

        for (; i < z.Length; i++)
        {
            a[i] = z[i] > T.Zero ? z[i] : z[i] * slope;
        }
    }

    /// <summary>
    /// Sigmoid, <c>a = 1 / (1 + e^-z)</c>, with the same bits for an element whatever the span's length:
    /// <see cref="TensorPrimitives.Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/> rounds spans shorter than a vector differently
    /// from longer ones, so those are padded to a vector. A row then predicts the same alone as in a batch.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The pre-activations.</param>
    /// <param name="a">The destination, as long as <paramref name="z"/>.</param>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ApplyPaddedToVector(z, a, TensorPrimitives.Sigmoid);

    /// <summary>
    /// Tanh, <c>a = tanh(z)</c>, with the same bits for an element whatever the span's length (see
    /// <see cref="Sigmoid{T}(ReadOnlySpan{T}, Span{T})"/>).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The pre-activations.</param>
    /// <param name="a">The destination, as long as <paramref name="z"/>.</param>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ApplyPaddedToVector(z, a, TensorPrimitives.Tanh);

    private delegate void ElementwiseFunction<T>(ReadOnlySpan<T> x, Span<T> destination);

    // Spans shorter than a vector go through a zero-padded vector, so that every element takes the vectorized path.
    private static void ApplyPaddedToVector<T>(ReadOnlySpan<T> z, Span<T> a, ElementwiseFunction<T> function)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(a.Length, z.Length, 0, nameof(a));
        if (z.Length >= Vector128<T>.Count)
        {
            function(z, a);
            return;
        }

        Vector128<T> padded = default;
        Span<T> lanes = MemoryMarshal.CreateSpan(ref Unsafe.As<Vector128<T>, T>(ref padded), Vector128<T>.Count);
        z.CopyTo(lanes);
        function(lanes, lanes);
        lanes.Slice(0, z.Length).CopyTo(a);
    }

    /// <summary>ReLU backward: <c>dZ = z &gt; 0 ? dA : 0</c> (the derivative at 0 is 0, as in PyTorch).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="dA">The gradient with respect to the layer's activations.</param>
    /// <param name="dZ">The destination: the gradient with respect to the pre-activations.</param>
    public static void ReluBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> dA, Span<T> dZ)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SelectBackward(z, dA, dZ, T.Zero);

    /// <summary>Leaky ReLU backward: <c>dZ = z &gt; 0 ? dA : 0.01 dA</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The layer's pre-activations.</param>
    /// <param name="dA">The gradient with respect to the layer's activations.</param>
    /// <param name="dZ">The destination: the gradient with respect to the pre-activations.</param>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> dA, Span<T> dZ)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SelectBackward(z, dA, dZ, LeakyReluSlope<T>());

    /// <summary>Sigmoid backward from the activations: <c>dZ = dA * a * (1 - a)</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The layer's activations (sigmoid outputs).</param>
    /// <param name="dA">The gradient with respect to the activations.</param>
    /// <param name="dZ">The destination: the gradient with respect to the pre-activations.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> dA, Span<T> dZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(dA.Length, a.Length, 0, nameof(dA));
        BatchArguments.RequireLength(dZ.Length, a.Length, 0, nameof(dZ));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var va = new Vector<T>(a.Slice(i));
                (new Vector<T>(dA.Slice(i)) * va * (Vector<T>.One - va)).CopyTo(dZ.Slice(i));
            }
        }

        for (; i < a.Length; i++)
        {
            dZ[i] = dA[i] * a[i] * (T.One - a[i]);
        }
    }

    /// <summary>Tanh backward from the activations: <c>dZ = dA * (1 - a * a)</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The layer's activations (tanh outputs).</param>
    /// <param name="dA">The gradient with respect to the activations.</param>
    /// <param name="dZ">The destination: the gradient with respect to the pre-activations.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> dA, Span<T> dZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(dA.Length, a.Length, 0, nameof(dA));
        BatchArguments.RequireLength(dZ.Length, a.Length, 0, nameof(dZ));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var va = new Vector<T>(a.Slice(i));
                (new Vector<T>(dA.Slice(i)) * (Vector<T>.One - (va * va))).CopyTo(dZ.Slice(i));
            }
        }

        for (; i < a.Length; i++)
        {
            dZ[i] = dA[i] * (T.One - (a[i] * a[i]));
        }
    }

    /// <summary>
    /// Row-wise softmax of a row-major matrix: <c>a_j = e^(z_j - max) / sum_k e^(z_k - max)</c> over each row of
    /// <paramref name="width"/> values. Subtracting the row maximum keeps every finite row finite.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="z">The pre-activations, a whole number of rows.</param>
    /// <param name="a">The destination, as long as <paramref name="z"/>.</param>
    /// <param name="width">The number of values per row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRows<T>(ReadOnlySpan<T> z, Span<T> a, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(a.Length, z.Length, 0, nameof(a));
        for (int start = 0; start < z.Length; start += width)
        {
            ReadOnlySpan<T> zRow = z.Slice(start, width);
            Span<T> aRow = a.Slice(start, width);
            T max = TensorPrimitives.Max(zRow);
            TensorPrimitives.Subtract(zRow, max, aRow);
            TensorPrimitives.Exp(aRow, aRow);
            TensorPrimitives.Divide(aRow, TensorPrimitives.Sum<T>(aRow), aRow);
        }
    }

    /// <summary>
    /// Row-wise softmax backward (the Jacobian-vector product): <c>dZ = p * (dA - dot(dA, p))</c> over each row.
    /// Used when a softmax output is trained with a loss other than cross-entropy.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="p">The softmax outputs, a whole number of rows.</param>
    /// <param name="dA">The gradient with respect to the outputs.</param>
    /// <param name="dZ">The destination: the gradient with respect to the logits.</param>
    /// <param name="width">The number of values per row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxBackwardRows<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> dA, Span<T> dZ, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(dA.Length, p.Length, 0, nameof(dA));
        BatchArguments.RequireLength(dZ.Length, p.Length, 0, nameof(dZ));
        for (int start = 0; start < p.Length; start += width)
        {
            ReadOnlySpan<T> pRow = p.Slice(start, width);
            Span<T> dZRow = dZ.Slice(start, width);
            T projection = TensorPrimitives.Dot(dA.Slice(start, width), pRow);
            TensorPrimitives.Subtract(dA.Slice(start, width), projection, dZRow);
            TensorPrimitives.Multiply(pRow, dZRow, dZRow);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SelectBackward<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> dA, Span<T> dZ, T negativeSlope)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(dA.Length, z.Length, 0, nameof(dA));
        BatchArguments.RequireLength(dZ.Length, z.Length, 0, nameof(dZ));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vSlope = new Vector<T>(negativeSlope);
            for (; i <= z.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vdA = new Vector<T>(dA.Slice(i));
                var positive = Vector.GreaterThan(new Vector<T>(z.Slice(i)), Vector<T>.Zero);
                Vector.ConditionalSelect(positive, vdA, vdA * vSlope).CopyTo(dZ.Slice(i));
            }
        }

        for (; i < z.Length; i++)
        {
            dZ[i] = z[i] > T.Zero ? dA[i] : dA[i] * negativeSlope;
        }
    }

    private static T LeakyReluSlope<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateChecked(0.01);
}
