using System;
using System.Linq;
using System.Numerics;
using Backprop;

namespace Backprop.Testing;

/// <summary>The relative errors of a generated network against <see cref="ReferenceNetwork"/> on one batch.</summary>
internal readonly record struct OracleErrors(double Predictions, double Loss, double GradientLoss, double Gradient)
{
    public double Max => Math.Max(Math.Max(Predictions, Loss), Math.Max(GradientLoss, Gradient));

    public override string ToString() =>
        $"predictions {Predictions:E2}, loss {Loss:E2}, loss from Gradient {GradientLoss:E2}, gradient {Gradient:E2}";
}

/// <summary>Runs a generated network and the reference on the same batch and measures how far apart they are.</summary>
internal static class Oracle
{
    /// <summary>
    /// Loads <paramref name="parameters"/> (rounded to <typeparamref name="T"/>) into the network, then compares Predict,
    /// Loss and Gradient with the reference evaluated on the very same rounded values, so that only the arithmetic differs.
    /// </summary>
    public static OracleErrors Compare<T>(INetwork<T> network, ReferenceNetwork reference, double[] parameters, double[] inputs, double[] targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] p = Round<T>(parameters);
        T[] x = Round<T>(inputs);
        T[] y = Round<T>(targets);
        p.CopyTo(network.Parameters);
        double[] pUsed = Widen(p);
        double[] xUsed = Widen(x);
        double[] yUsed = Widen(y);

        var outputs = new T[y.Length];
        network.Predict(x, outputs);
        T loss = network.Loss(x, y);
        // Gradient writes every value without reading the buffer first: what the buffer held must not show.
        var gradient = new T[p.Length];
        gradient.AsSpan().Fill(T.NaN);
        T gradientLoss = network.Gradient(x, y, gradient);

        (double expectedLoss, double[] expectedGradient) = reference.Gradient(pUsed, xUsed, yUsed);
        return new OracleErrors(
            Tolerance.RelativeError(Widen(outputs), reference.Predict(pUsed, xUsed)),
            Tolerance.RelativeError(double.CreateTruncating(loss), expectedLoss),
            Tolerance.RelativeError(double.CreateTruncating(gradientLoss), expectedLoss),
            Tolerance.RelativeError(Widen(gradient), expectedGradient));
    }

    public static T[] Round<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();

    public static double[] Widen<T>(T[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(double.CreateTruncating).ToArray();
}
