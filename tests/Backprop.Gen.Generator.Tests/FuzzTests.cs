using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Backprop.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generator.Tests;

/// <summary>
/// Random architectures (1-6 weight layers, widths 1-64, every activation, loss, bias and element type the rules
/// allow) are generated, compiled in memory, loaded and compared with the independent reference implementation.
/// Each seed must also have run every kernel form the emitter chooses between, with batches that leave remainders.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int NetworksPerCompilation = 60;

    private static readonly Activation[] Hidden =
        { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_architectures_match_the_reference_implementation(int seed)
    {
        var random = new Random(seed);
        List<Architecture> architectures = Enumerable.Range(0, NetworksPerCompilation)
            .Select(i => Architecture.Random(random, $"Fuzz{i}"))
            .ToList();
        // SkipLocalsInit: the generated code must not rely on stackalloc memory starting at zero.
        string source = "using Backprop;\n[module: System.Runtime.CompilerServices.SkipLocalsInit]\nnamespace Fuzz;\n"
            + string.Join("\n", architectures.Select(a => "/// <summary>Fuzzed.</summary>\n" + a.Declaration));
        Compilation compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(((CSharpCompilationOptions)compilation.Options).WithAllowUnsafe(true));

        (Compilation compiled, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation);
        Assert.Equal(NetworksPerCompilation, result.Results.Single().GeneratedSources.Length);
        Assert.Empty(GeneratorHarness.WarningsAndErrors(compiled).Select(d => d.ToString()));
        Assembly assembly = GeneratorHarness.Load(compiled);

        double worstFloat = 0;
        double worstDouble = 0;
        var pathsHit = new HashSet<string>();
        foreach (Architecture architecture in architectures)
        {
            object network = Activator.CreateInstance(assembly.GetType("Fuzz." + architecture.Name, throwOnError: true)!)!;
            var reference = new ReferenceNetwork(architecture.Layers, architecture.Activations, architecture.Loss, architecture.Bias);
            int rows = random.Next(1, 41);
            string generated = result.Results.Single().GeneratedSources.Single(s => s.HintName.Contains("." + architecture.Name + ".", StringComparison.Ordinal)).SourceText.ToString();
            pathsHit.UnionWith(KernelPaths(generated, rows));
            double[] parameters = Tolerance.Uniform(random, reference.ParameterCount, 1.0);
            double[] inputs = Tolerance.Uniform(random, rows * architecture.Layers[0], 2.0);
            double[] targets = Tolerance.Targets(random, rows, architecture.Layers[^1], architecture.Loss, architecture.Activations[^1]);
            OracleErrors errors = network switch
            {
                INetwork<float> single => Oracle.Compare(single, reference, parameters, inputs, targets),
                INetwork<double> dual => Oracle.Compare(dual, reference, parameters, inputs, targets),
                _ => throw new InvalidOperationException($"{architecture.Name} does not implement INetwork<T>."),
            };

            double tolerance = architecture.IsDouble ? Tolerance.Double : Tolerance.Float;
            Assert.True(errors.Max <= tolerance, $"{architecture.Declaration} with {rows} rows: {errors} exceeds {tolerance:E0}");
            if (architecture.IsDouble)
            {
                worstDouble = Math.Max(worstDouble, errors.Max);
            }
            else
            {
                worstFloat = Math.Max(worstFloat, errors.Max);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}: {NetworksPerCompilation} architectures, largest relative error float {worstFloat:E2}, double {worstDouble:E2}; paths: {string.Join(", ", pathsHit.Order())}"));
        Assert.Empty(AllPaths.Except(pathsHit));
    }

    // Every kernel form the emitter chooses between, each with the batch sizes that exercise its remainder handling.
    private static readonly string[] AllPaths =
    {
        "lanes: whole tiles and leftover rows", "blocked: 6-row blocks and leftover rows", "blocked: 8 to 15 columns",
        "blocked weight gradient", "transposed input gradient", "call per row", "unrolled one-row",
    };

    private static IEnumerable<string> KernelPaths(string generated, int rows)
    {
        if (generated.Contains("LaneKernels.Gather", StringComparison.Ordinal) && rows > 8 && rows % 8 != 0)
        {
            yield return AllPaths[0];
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(generated, @"DenseKernels\.MultiplyAdd\([^;]*, z\d+\);") && rows > 6 && rows % 6 != 0)
        {
            yield return AllPaths[1];
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(generated, @"DenseKernels\.MultiplyAdd\([^;]*, (8|9|1[0-5]), z\d+\);"))
        {
            yield return AllPaths[2];
        }

        if (generated.Contains("DenseKernels.MultiplyAddTransposed(", StringComparison.Ordinal))
        {
            yield return AllPaths[3];
        }

        if (generated.Contains("DenseKernels.Transpose(", StringComparison.Ordinal))
        {
            yield return AllPaths[4];
        }

        if (generated.Contains("TensorPrimitives.MultiplyAdd(", StringComparison.Ordinal))
        {
            yield return AllPaths[5];
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(generated, @"var z = z\d+\.Slice\(row \* \d+, \d+\);\s+z\[0\] = "))
        {
            yield return AllPaths[6];
        }
    }

    private sealed record Architecture(string Name, int[] Layers, Activation[] Activations, LossFunction Loss, bool Bias, bool IsDouble)
    {
        public string Declaration =>
            $"[Network(Layers = new[] {{ {string.Join(", ", Layers)} }}, " +
            $"Activations = new[] {{ {string.Join(", ", Activations.Select(a => "Activation." + a))} }}, " +
            $"Loss = LossFunction.{Loss}, Bias = {(Bias ? "true" : "false")}, ElementType = typeof({(IsDouble ? "double" : "float")}))] " +
            $"public partial class {Name} {{ }}";

        public static Architecture Random(Random random, string name)
        {
            int weightLayers = random.Next(1, 7);
            // Mostly small widths, sometimes up to 64, so both scalar tails and full vectors are exercised.
            int[] layers = Enumerable.Range(0, weightLayers + 1).Select(_ => random.Next(3) == 0 ? random.Next(1, 65) : random.Next(1, 17)).ToArray();
            LossFunction loss = (LossFunction)random.Next(3);
            Activation output = loss switch
            {
                LossFunction.CrossEntropy => Activation.Softmax,
                LossFunction.BinaryCrossEntropy => Activation.Sigmoid,
                _ => (Activation)random.Next(6),
            };
            Activation[] activations = Enumerable.Range(0, weightLayers - 1).Select(_ => Hidden[random.Next(Hidden.Length)]).Append(output).ToArray();
            return new Architecture(name, layers, activations, loss, random.Next(4) != 0, random.Next(2) == 0);
        }
    }
}
