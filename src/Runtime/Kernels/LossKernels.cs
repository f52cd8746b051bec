using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Summed (not yet averaged) losses over a block of rows, accumulated in <see cref="double"/>. Generated networks add
/// the sums of their row blocks and divide by the batch size <c>m</c> once. Cross-entropies are computed from the
/// logits <c>Z</c>, never from the probabilities, so that no finite input gives NaN or infinity. Also the output
/// layer's gradient that starts the backward pass.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // called by generated code, not meant for users
public static class LossKernels
{
    /// <summary>Squared error: <c>sum_i (p_i - y_i)^2</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="predictions">The predictions <c>P</c>.</param>
    /// <param name="targets">The targets <c>Y</c>, as long as <paramref name="predictions"/>.</param>
    /// <returns>The sum over all elements.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled optimized at once: short runs call it every step
    public static double SquaredErrorSum<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(targets.Length, predictions.Length, 0, nameof(targets));
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            return SquaredErrorSum(MemoryMarshal.Cast<T, float>(predictions), MemoryMarshal.Cast<T, float>(targets));
        }

        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double difference = double.CreateTruncating(predictions[i]) - double.CreateTruncating(targets[i]);
            sum += difference * difference;
        }

        return sum;
    }

    /// <summary>
    /// Binary cross-entropy of sigmoid outputs, from the logits:
    /// <c>sum_i [max(z_i, 0) - z_i y_i + log(1 + e^-|z_i|)]</c>, which equals
    /// <c>-sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]</c> for <c>p = sigmoid(z)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="logits">The output layer's pre-activations <c>Z</c>.</param>
    /// <param name="targets">The targets <c>Y</c>, as long as <paramref name="logits"/>.</param>
    /// <returns>The sum over all elements.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled optimized at once: short runs call it every step
    public static double SigmoidCrossEntropySum<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(targets.Length, logits.Length, 0, nameof(targets));
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = double.CreateTruncating(logits[i]);
            double y = double.CreateTruncating(targets[i]);
            sum += Math.Max(z, 0) - (z * y) + double.LogP1(Math.Exp(-Math.Abs(z)));
        }

        return sum;
    }

    /// <summary>
    /// Cross-entropy of softmax outputs, from the logits, over each row of <paramref name="width"/> values:
    /// <c>sum_rows sum_j y_j (lse - z_j)</c> with <c>lse = max + log sum_k e^(z_k - max)</c>, which equals
    /// <c>-sum y_j log p_j</c> for <c>p = softmax(z)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="logits">The output layer's pre-activations <c>Z</c>, a whole number of rows.</param>
    /// <param name="targets">The targets <c>Y</c> (one-hot or a distribution per row), as long as <paramref name="logits"/>.</param>
    /// <param name="width">The number of values per row.</param>
    /// <returns>The sum over all rows.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled optimized at once: short runs call it every step
    public static double SoftmaxCrossEntropySum<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(targets.Length, logits.Length, 0, nameof(targets));
        double sum = 0;
        for (int start = 0; start < logits.Length; start += width)
        {
            double max = double.NegativeInfinity;
            for (int j = start; j < start + width; j++)
            {
                max = Math.Max(max, double.CreateTruncating(logits[j]));
            }

            double expSum = 0;
            for (int j = start; j < start + width; j++)
            {
                expSum += Math.Exp(double.CreateTruncating(logits[j]) - max);
            }

            double logSumExp = max + Math.Log(expSum);
            for (int j = start; j < start + width; j++)
            {
                double y = double.CreateTruncating(targets[j]);
                if (y != 0)
                {
                    sum += y * (logSumExp - double.CreateTruncating(logits[j]));
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// The output layer's gradient: <c>gradient = (outputs - targets) * scale</c>, each difference rounded before it is
    /// scaled, the same bits as <see cref="TensorPrimitives.Subtract{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>
    /// followed by <see cref="TensorPrimitives.Multiply{T}(ReadOnlySpan{T}, T, Span{T})"/>, in one pass compiled
    /// optimized from its first call (see <see cref="ActivationKernels.Relu{T}(ReadOnlySpan{T}, Span{T})"/> for why).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="outputs">The output layer's activations, or its pre-activations for a fused loss.</param>
    /// <param name="targets">The targets, as many as <paramref name="outputs"/>.</param>
    /// <param name="scale">The loss's factor: 2/m for the mean squared error, 1/m for the fused cross-entropies.</param>
    /// <param name="gradient">The destination, as long as <paramref name="outputs"/>; it may be <paramref name="outputs"/> itself.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OutputGradient<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, T scale, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchArguments.RequireLength(targets.Length, outputs.Length, 0, nameof(targets));
        BatchArguments.RequireLength(gradient.Length, outputs.Length, 0, nameof(gradient));

        // Through refs, as in ActivationKernels.Relu: 2.1-3.0 ms to compile in a new process instead of 4.2-4.4.
        ref T outputRef = ref MemoryMarshal.GetReference(outputs);
        ref T targetRef = ref MemoryMarshal.GetReference(targets);
        ref T gradientRef = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vScale = new Vector<T>(scale);
            for (; i <= outputs.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                ((Vector.LoadUnsafe(ref outputRef, (nuint)i) - Vector.LoadUnsafe(ref targetRef, (nuint)i)) * vScale).StoreUnsafe(ref gradientRef, (nuint)i);
            }
        }

        for (; i < outputs.Length; i++)
        {
            Unsafe.Add(ref gradientRef, i) = (Unsafe.Add(ref outputRef, i) - Unsafe.Add(ref targetRef, i)) * scale;
        }
    }

    // Eight floats at a time, each difference and square in double as the scalar loop does, with two accumulators of four
    // lanes; a block's loss no longer waits on one add per row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SquaredErrorSum(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
        int i = 0;
        for (; i <= predictions.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            (Vector256<double> predictedLow, Vector256<double> predictedHigh) = Vector256.Widen(Vector256.Create(predictions.Slice(i, Vector256<float>.Count)));
            (Vector256<double> targetLow, Vector256<double> targetHigh) = Vector256.Widen(Vector256.Create(targets.Slice(i, Vector256<float>.Count)));
            Vector256<double> differenceLow = predictedLow - targetLow, differenceHigh = predictedHigh - targetHigh;
            low += differenceLow * differenceLow;
            high += differenceHigh * differenceHigh;
        }

        double sum = Vector256.Sum(low + high);
        for (; i < predictions.Length; i++)
        {
            double difference = (double)predictions[i] - targets[i];
            sum += difference * difference;
        }

        return sum;
    }
}
