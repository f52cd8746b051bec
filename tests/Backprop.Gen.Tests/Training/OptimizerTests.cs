using System;
using System.Linq;
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
    public void Weight_decay_skips_the_exempted_parameters_in_vectors_and_tails()
    {
        // 21 parameters: two 8-wide vectors and a tail of 5, with parameters 5 to 18 exempt (across both vectors and
        // into the tail), against each rule in double with the decay term dropped for the exempted ones.
        const int count = 21;
        var random = new Random(11);
        float[] start = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[][] gradients = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
        static bool Decayed(int i) => i is < 5 or > 18;

        double[] m = new double[count], s = new double[count], v = new double[count];
        AssertSteps(new AdamW(0.01f, weightDecay: 0.5f), start, gradients, (5, 14), (p, g, i, t) => AdamStep(Decayed(i) ? p * (1 - (0.01 * 0.5)) : p, g, i, t, m, s));
        AssertSteps(new Sgd(0.1f, weightDecay: 0.5f), start, gradients, (5, 14), (p, g, i, _) => p - (0.1 * (g + (Decayed(i) ? 0.5 * p : 0))));
        AssertSteps(new Momentum(0.1f, momentum: 0.9f, weightDecay: 0.5f), start, gradients, (5, 14), (p, g, i, t) =>
        {
            double decayed = g + (Decayed(i) ? 0.5 * p : 0);
            v[i] = t == 1 ? decayed : (0.9 * v[i]) + decayed;
            return p - (0.1 * v[i]);
        });
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

    public static TheoryData<string> Rules => new() { "sgd", "sgd-decay", "momentum", "nesterov-decay", "adam", "adamw" };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_step_keeping_the_previous_values_gives_the_bits_of_Step_and_the_copy_and_norm(string rule) =>
        AssertStepsMatchStep(rule, seed: 3, (fused, parameters, gradient, previous) =>
        {
            Assert.True(fused.TryStepKeepingPrevious(parameters, gradient, 0.05f, previous, out float squaredNorm));
            return squaredNorm;
        });

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_step_applied_range_by_range_gives_the_bits_of_Step(string rule) =>
        AssertStepsMatchStep(rule, seed: 4, (ranged, parameters, gradient, previous) =>
        {
            // The ranges cut through vector bodies, tails and the exempted range [290, 330), in an order other than
            // the vector's, as threads owning parts of the parameters would apply them.
            int[] cuts = { 0, 5, 301, 302, 640, 1_003 };
            Assert.True(ranged.TryStartStepInRanges(parameters.Length, gradient.Length, out int step));
            Assert.Equal(ranged.StepCount, step);
            double squares = 0;
            foreach (int range in new[] { 3, 0, 4, 2, 1 })
            {
                int start = cuts[range], length = cuts[range + 1] - start;
                squares += ranged.UpdateRange(parameters.AsSpan(start, length), gradient.AsSpan(start, length), 0.05f, step, previous.AsSpan(start, length), start);
            }

            return (float)squares;
        });

    [Fact]
    public void Rules_derived_outside_the_library_take_their_own_whole_step()
    {
        var derived = new DecayedAdam();
        derived.Reset(4);
        Assert.False(derived.TryStepKeepingPrevious(new float[4], new float[4], 0.1f, new float[4], out _));
        Assert.False(derived.TryStartStepInRanges(4, 4, out _));
        Assert.Equal(0, derived.StepCount);

        float[] parameters = { 1, 2, 3, 4 };
        derived.Step(parameters, new float[4], 0.1f);
        Assert.Equal(new[] { 0.5f, 1, 1.5f, 2 }, parameters); // the whole vector went through ApplyDecay
    }

    // The trainer's forms of a step against the public Step: 1,003 parameters (vector bodies and a tail), weight decay
    // exempted over a range, and four steps so that momentum and moments carry state between them. The form under test
    // updates the parameters, writes their previous values and returns the updated parameters' sum of squares.
    private static void AssertStepsMatchStep(string rule, int seed, Func<Optimizer, float[], float[], float[], float> stepUnderTest)
    {
        const int count = 1_003;
        Optimizer whole = Create(rule), tested = Create(rule);
        foreach (Optimizer optimizer in new[] { whole, tested })
        {
            optimizer.Reset(count);
            optimizer.ExcludeFromWeightDecay(290, 40);
        }

        var random = new Random(seed);
        float[] a = new float[count], gradient = new float[count], previous = new float[count];
        for (int i = 0; i < count; i++)
        {
            a[i] = (float)(random.NextDouble() - 0.5);
        }

        float[] b = (float[])a.Clone();
        for (int step = 1; step <= 4; step++)
        {
            for (int i = 0; i < count; i++)
            {
                gradient[i] = (float)(random.NextDouble() - 0.5);
            }

            float[] before = (float[])b.Clone();
            whole.Step(a, gradient, 0.05f);
            float squaredNorm = stepUnderTest(tested, b, gradient, previous);

            Assert.Equal(whole.StepCount, tested.StepCount);
            Assert.Equal(a, b);
            Assert.Equal(before, previous);
            double expected = b.Sum(p => (double)p * p);
            Assert.True(Math.Abs(squaredNorm - expected) <= 1e-5 * expected, $"{squaredNorm} vs {expected}");
        }
    }

    private static Optimizer Create(string rule) => rule switch
    {
        "sgd" => new Sgd(0.05f),
        "sgd-decay" => new Sgd(0.05f, weightDecay: 0.01f),
        "momentum" => new Momentum(0.05f, momentum: 0.9f),
        "nesterov-decay" => new Momentum(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
        "adam" => new Adam(0.01f),
        _ => new AdamW(0.01f, weightDecay: 0.1f),
    };

    private static double AdamStep(double p, double g, int i, int t, double[] m, double[] s)
    {
        m[i] = (0.9 * m[i]) + (0.1 * g);
        s[i] = (0.999 * s[i]) + (0.001 * g * g);
        double mHat = m[i] / (1 - Math.Pow(0.9, t));
        double sHat = s[i] / (1 - Math.Pow(0.999, t));
        return p - (0.01 * mHat / (Math.Sqrt(sHat) + 1e-8));
    }

    // Runs three steps of the optimizer and of the hand-written rule (p, g, index, step) -> new p, in double.
    private static void AssertSteps(Optimizer optimizer, Func<double, double, int, int, double> rule) =>
        AssertSteps(optimizer, Start, Gradients, exempt: (0, 0), rule);

    // Runs a step per gradient, with the parameters of the exempt range (start, length) exempt from weight decay.
    private static void AssertSteps(Optimizer optimizer, float[] start, float[][] gradients, (int Start, int Length) exempt, Func<double, double, int, int, double> rule)
    {
        optimizer.Reset(start.Length);
        optimizer.ExcludeFromWeightDecay(exempt.Start, exempt.Length);
        float[] parameters = (float[])start.Clone();
        double[] expected = Array.ConvertAll(start, value => (double)value);
        for (int t = 1; t <= gradients.Length; t++)
        {
            optimizer.Step(parameters, gradients[t - 1], optimizer.LearningRate);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = rule(expected[i], gradients[t - 1][i], i, t);
                Assert.True(Math.Abs(parameters[i] - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"{optimizer.GetType().Name} step {t}, parameter {i}: {parameters[i]} vs {expected[i]}");
            }
        }

        Assert.Equal(gradients.Length, optimizer.StepCount);
    }

    // A rule derived from Adam whose decay halves the parameters: a zero gradient leaves only the decay.
    private sealed class DecayedAdam : Adam
    {
        protected override void ApplyDecay(Span<float> parameters, float learningRate)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] *= 0.5f;
            }
        }
    }
}
