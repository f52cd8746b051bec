using System;
using Xunit;

namespace Backprop.Tests.Training;

/// <summary>Each update rule against its formula, evaluated by hand in double for three steps.</summary>
public sealed class OptimizerTests
{
    private static readonly float[] Start = { 0.5f, -1.25f, 2f };
    private static readonly float[][] Gradients = { new[] { 0.1f, -0.2f, 0.3f }, new[] { -0.4f, 0.05f, 0.3f }, new[] { 0.2f, 0.2f, -0.1f } };

    [Fact]
    public void Sgd_moves_against_the_gradient_with_optional_L2_decay()
    {
        AssertSteps(new Sgd(0.1f), (p, g, _, _) => p - (0.1 * g));
        AssertSteps(new Sgd(0.1f, weightDecay: 0.01f), (p, g, _, _) => p - (0.1 * (g + (0.01 * p))));
    }

    [Fact]
    public void Momentum_follows_the_PyTorch_convention()
    {
        double[] v = new double[3];
        AssertSteps(new Momentum(0.05f, momentum: 0.9f), (p, g, i, t) =>
        {
            v[i] = t == 1 ? g : (0.9 * v[i]) + g;
            return p - (0.05 * v[i]);
        });
    }

    [Fact]
    public void Nesterov_momentum_looks_ahead_along_the_velocity()
    {
        double[] v = new double[3];
        AssertSteps(new Momentum(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.1f), (p, g, i, t) =>
        {
            double decayed = g + (0.1 * p);
            v[i] = t == 1 ? decayed : (0.9 * v[i]) + decayed;
            return p - (0.05 * (decayed + (0.9 * v[i])));
        });
    }

    [Fact]
    public void Adam_uses_bias_corrected_moments()
    {
        double[] m = new double[3];
        double[] s = new double[3];
        AssertSteps(new Adam(0.01f), (p, g, i, t) => AdamStep(p, g, i, t, m, s));
    }

    [Fact]
    public void AdamW_decays_the_parameters_before_the_Adam_step()
    {
        double[] m = new double[3];
        double[] s = new double[3];
        AssertSteps(new AdamW(0.01f, weightDecay: 0.1f), (p, g, i, t) => AdamStep(p * (1 - (0.01 * 0.1)), g, i, t, m, s));
    }

    [Fact]
    public void Reset_clears_the_state_and_step_count()
    {
        var adam = new Adam(0.01f);
        adam.Reset(3);
        float[] first = (float[])Start.Clone();
        adam.Step(first, Gradients[0], 0.01f);
        adam.Step(first, Gradients[1], 0.01f);
        adam.Reset(3);
        Assert.Equal(0, adam.StepCount);
        float[] again = (float[])Start.Clone();
        adam.Step(again, Gradients[0], 0.01f);
        var fresh = new Adam(0.01f);
        fresh.Reset(3);
        float[] expected = (float[])Start.Clone();
        fresh.Step(expected, Gradients[0], 0.01f);
        Assert.Equal(expected, again);
    }

    [Fact]
    public void Invalid_hyperparameters_and_lengths_are_rejected()
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0f)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(0.1f, momentum: 1f)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: float.NaN)).ParamName);
        var sgd = new Sgd(0.1f);
        sgd.Reset(3);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => sgd.Step(new float[3], new float[2], 0.1f)).ParamName);
    }

    [Fact]
    public void Step_before_Reset_says_to_call_Reset()
    {
        var adam = new Adam();
        var error = Assert.Throws<InvalidOperationException>(() => adam.Step(new float[3], new float[3], 0.1f));
        Assert.Contains("Reset(3)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, adam.StepCount);
    }

    private static double AdamStep(double p, double g, int i, int t, double[] m, double[] s)
    {
        m[i] = (0.9 * m[i]) + (0.1 * g);
        s[i] = (0.999 * s[i]) + (0.001 * g * g);
        double mHat = m[i] / (1 - Math.Pow(0.9, t));
        double sHat = s[i] / (1 - Math.Pow(0.999, t));
        return p - (0.01 * mHat / (Math.Sqrt(sHat) + 1e-8));
    }

    // Runs three steps of the optimizer and of the hand-written rule (p, g, index, step) -> new p, in double.
    private static void AssertSteps(Optimizer optimizer, Func<double, double, int, int, double> rule)
    {
        optimizer.Reset(Start.Length);
        float[] parameters = (float[])Start.Clone();
        double[] expected = Array.ConvertAll(Start, value => (double)value);
        for (int t = 1; t <= Gradients.Length; t++)
        {
            optimizer.Step(parameters, Gradients[t - 1], optimizer.LearningRate);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = rule(expected[i], Gradients[t - 1][i], i, t);
            }

            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(parameters[i] - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"step {t}, parameter {i}: {parameters[i]} vs {expected[i]}");
            }
        }

        Assert.Equal(Gradients.Length, optimizer.StepCount);
    }
}
