using System;
using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop;

/// <summary>Classification accuracy by arg-max, the usual measure for softmax outputs.</summary>
public static class Metrics
{
    /// <summary>The fraction of rows whose largest prediction is at the position of the largest target (first wins ties).</summary>
    /// <param name="predictions">Row-major predictions, <paramref name="width"/> values per row.</param>
    /// <param name="targets">Row-major targets (one-hot or probabilities), as long as <paramref name="predictions"/>.</param>
    /// <param name="width">Values per row (the number of classes).</param>
    /// <returns>The accuracy in <c>[0, 1]</c>.</returns>
    /// <exception cref="ArgumentException">The lengths are not whole, matching rows.</exception>
    public static double Accuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int width)
    {
        int rows = BatchArguments.GetRowCount(predictions.Length, width, nameof(predictions));
        BatchArguments.RequireLength(targets.Length, predictions.Length, rows, nameof(targets));
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            correct += TensorPrimitives.IndexOfMax(predictions.Slice(i * width, width)) == TensorPrimitives.IndexOfMax(targets.Slice(i * width, width)) ? 1 : 0;
        }

        return (double)correct / rows;
    }

    /// <summary>The fraction of rows whose largest prediction is at the row's label.</summary>
    /// <param name="predictions">Row-major predictions, <paramref name="width"/> values per row.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="width">Values per row (the number of classes).</param>
    /// <returns>The accuracy in <c>[0, 1]</c>.</returns>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public static double Accuracy(ReadOnlySpan<float> predictions, ReadOnlySpan<int> labels, int width)
    {
        int rows = BatchArguments.GetRowCount(predictions.Length, width, nameof(predictions));
        BatchArguments.RequireLength(labels.Length, rows, rows, nameof(labels));
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            correct += TensorPrimitives.IndexOfMax(predictions.Slice(i * width, width)) == labels[i] ? 1 : 0;
        }

        return (double)correct / rows;
    }
}
