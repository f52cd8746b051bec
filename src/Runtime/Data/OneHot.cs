using System;
using Backprop.Kernels;

namespace Backprop;

/// <summary>One-hot encoding of class labels, for networks trained with <see cref="LossFunction.CrossEntropy"/>.</summary>
public static class OneHot
{
    /// <summary>Encodes each label as a row of <paramref name="classCount"/> values: 1 at the label, 0 elsewhere.</summary>
    /// <param name="labels">Class indices in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns><c>labels.Length * classCount</c> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classCount)</c>.</exception>
    public static float[] Encode(ReadOnlySpan<int> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var encoded = new float[labels.Length * classCount];
        Encode(labels, classCount, encoded);
        return encoded;
    }

    /// <summary>Encodes each label into <paramref name="destination"/>, one row of <paramref name="classCount"/> values per label.</summary>
    /// <param name="labels">Class indices in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="destination"><c>labels.Length * classCount</c> values; overwritten.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classCount)</c>.</exception>
    public static void Encode(ReadOnlySpan<int> labels, int classCount, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        BatchArguments.RequireLength(destination.Length, labels.Length * classCount, labels.Length, nameof(destination));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is {labels[i]}, outside [0, {classCount}).");
            }
        }

        destination.Clear();
        for (int i = 0; i < labels.Length; i++)
        {
            destination[(i * classCount) + labels[i]] = 1;
        }
    }
}
