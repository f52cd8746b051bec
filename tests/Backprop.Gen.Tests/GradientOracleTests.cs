using System;
using System.Linq;
using Backprop.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Tests;

/// <summary>
/// Generated networks against two independent oracles: the naive double reference of math.md (every network, several
/// batch sizes) and central finite differences of the loss (double networks).
/// </summary>
public sealed class GradientOracleTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Generated_static_shape_matches_the_declaration(string name) => NetworkCase.Get(name).CheckShape();

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Predict_loss_and_gradient_match_the_reference_implementation(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        ReferenceNetwork reference = network.Reference;
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        // 2061 rows: two whole blocks of a fused network (1024 rows each), then a block that ends in a part of a tile.
        int[] batchSizes = reference.ParameterCount <= 5000 ? new[] { 1, 3, 17, 50, 150, 2061 } : new[] { 1, 3, 17, 50, 150 };
        foreach (int rows in batchSizes)
        {
            double[] parameters = Tolerance.Uniform(random, reference.ParameterCount, 1.0);
            double[] inputs = Tolerance.Uniform(random, rows * network.Layers[0], 2.0);
            double[] targets = Tolerance.Targets(random, rows, network.Layers[^1], network.Loss, network.Activations[^1]);
            OracleErrors errors = network.Create() switch
            {
                INetwork<float> single => Oracle.Compare(single, reference, parameters, inputs, targets),
                INetwork<double> dual => Oracle.Compare(dual, reference, parameters, inputs, targets),
                _ => throw new InvalidOperationException(),
            };
            double tolerance = network.IsDouble ? Tolerance.Double : Tolerance.Float;
            output.WriteLine($"{name}, {rows} rows: {errors}");
            Assert.True(errors.Max <= tolerance, $"{name} with {rows} rows: {errors} exceeds {tolerance:E0}");
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCase.DoubleNames), MemberType = typeof(NetworkCase))]
    public void Gradient_matches_central_finite_differences(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var net = (INetwork<double>)network.Create();
        var random = new Random(7);
        const int Rows = 5;
        double[] parameters = Tolerance.Uniform(random, net.Parameters.Length, 1.0);
        double[] inputs = Tolerance.Uniform(random, Rows * network.Layers[0], 2.0);
        double[] targets = Tolerance.Targets(random, Rows, network.Layers[^1], network.Loss, network.Activations[^1]);
        parameters.CopyTo(net.Parameters);
        var gradient = new double[parameters.Length];
        net.Gradient(inputs, targets, gradient);

        // Central differences, O(h^2) truncation: (L(p + h e_i) - L(p - h e_i)) / 2h. Every parameter of small
        // networks; a fixed sample of 400 (plus every bias of the output layer) of large ones.
        const double H = 1e-6;
        int[] checkedIndices = parameters.Length <= 2000
            ? Enumerable.Range(0, parameters.Length).ToArray()
            : Enumerable.Range(0, 400).Select(_ => random.Next(parameters.Length))
                .Concat(Enumerable.Range(parameters.Length - network.Layers[^1], network.Layers[^1])).Distinct().ToArray();
        var numeric = new double[checkedIndices.Length];
        var analytic = checkedIndices.Select(i => gradient[i]).ToArray();
        for (int c = 0; c < checkedIndices.Length; c++)
        {
            int i = checkedIndices[c];
            net.Parameters[i] = parameters[i] + H;
            double plus = net.Loss(inputs, targets);
            net.Parameters[i] = parameters[i] - H;
            double minus = net.Loss(inputs, targets);
            net.Parameters[i] = parameters[i];
            numeric[c] = (plus - minus) / (2 * H);
        }

        double error = Tolerance.RelativeError(analytic, numeric);
        output.WriteLine($"{name}: finite-difference relative error {error:E2}");
        Assert.True(error <= 1e-6, $"{name}: gradient differs from finite differences by {error:E2} (relative)");
    }
}
