extern alias generator;

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using Backprop.Testing;
using generator::Backprop.Generator;
using generator::Backprop.Generator.Planning;
using generator::Backprop.Kernels;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generator.Tests;

/// <summary>
/// Random architectures (1-6 weight layers, widths 1-64, a few with a 257-320 wide layer feeding one output, and one
/// float network wide enough for the packed products; every
/// activation, loss, bias and element type the rules allow) are generated, compiled in memory, loaded and compared
/// with the independent reference implementation.
/// Each seed must also have run every kernel form the emitter chooses between, with batches that leave remainders (a
/// third of the fused networks get a batch longer than one block): the forms are read from the kernel plan of each
/// network the generator actually emitted. Every row of a float network must predict the same bits alone as in its batch.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int NetworksPerCompilation = 60;
    private const int WideSingleOutputNetworks = 2;
    private const int PackedNetworks = 1;

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
        // Widths up to 64 never give a single-output layer of more than 256 weights, so a few networks with a wide last
        // hidden layer are added (drawn from their own generator, so the draws for the others stay as they were).
        var wide = new Random(seed + 1000);
        // Which fused networks get a batch longer than one block: drawn apart too, for the same reason; and which others.
        var blocks = new Random(seed + 2000);
        var unfusedBlocks = new Random(seed + 3000);
        List<Architecture> architectures = Enumerable.Range(0, NetworksPerCompilation)
            .Select(i => Architecture.Random(random, $"Fuzz{i}"))
            .Concat(Enumerable.Range(0, WideSingleOutputNetworks).Select(i => Architecture.WideSingleOutput(wide, $"FuzzWide{i}")))
            .Concat(Enumerable.Range(0, PackedNetworks).Select(i => Architecture.Packed(wide, $"FuzzPacked{i}")))
            .ToList();
        // SkipLocalsInit: the generated code must not rely on stackalloc memory starting at zero.
        string source = "using Backprop;\n[module: System.Runtime.CompilerServices.SkipLocalsInit]\nnamespace Fuzz;\n"
            + string.Join("\n", architectures.Select(a => "/// <summary>Fuzzed.</summary>\n" + a.Declaration));
        Compilation compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(((CSharpCompilationOptions)compilation.Options).WithAllowUnsafe(true));

        (Compilation compiled, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation);
        Assert.Equal(architectures.Count, result.Results.Single().GeneratedSources.Length);
        Assert.Empty(GeneratorHarness.WarningsAndErrors(compiled).Select(d => d.ToString()));
        Assembly assembly = GeneratorHarness.Load(compiled);

        double worstFloat = 0;
        double worstDouble = 0;
        var pathsHit = new HashSet<string>();
        Dictionary<string, NetworkPlan> plans = Plans(result);
        foreach (Architecture architecture in architectures)
        {
            object network = Activator.CreateInstance(assembly.GetType("Fuzz." + architecture.Name, throwOnError: true)!)!;
            var reference = new ReferenceNetwork(architecture.Layers, architecture.Activations, architecture.Loss, architecture.Bias);
            int rows = random.Next(1, 41);
            NetworkPlan plan = plans[architecture.Name];
            if (plan.Fused && blocks.Next(3) == 0)
            {
                rows += plan.BlockRows; // a whole block of the fused kernel, then a block with tiles and leftover rows
            }

            // For a few other networks, a whole block before the drawn rows: the first block writes the gradient, the
            // second adds to it. Its rows repeat the drawn ones, so that no other draw changes and no new values come in.
            int firstBlockRows = !plan.Fused && unfusedBlocks.Next(4) == 0 ? plan.BlockRows : 0;
            pathsHit.UnionWith(KernelPaths(plan, firstBlockRows + rows));
            double[] parameters = Tolerance.Uniform(random, reference.ParameterCount, 1.0);
            double[] inputs = RepeatRows(Tolerance.Uniform(random, rows * architecture.Layers[0], 2.0), architecture.Layers[0], firstBlockRows);
            double[] targets = RepeatRows(Tolerance.Targets(random, rows, architecture.Layers[^1], architecture.Loss, architecture.Activations[^1]), architecture.Layers[^1], firstBlockRows);
            rows += firstBlockRows;
            OracleErrors errors = network switch
            {
                INetwork<float> single => Oracle.Compare(single, reference, parameters, inputs, targets),
                INetwork<double> dual => Oracle.Compare(dual, reference, parameters, inputs, targets),
                _ => throw new InvalidOperationException($"{architecture.Name} does not implement INetwork<T>."),
            };

            if (network is INetwork<float> floatNetwork)
            {
                AssertRowsGiveTheSameBitsAloneAndInTheBatch(floatNetwork, inputs, architecture);
            }

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
            $"seed {seed}: {architectures.Count} architectures, largest relative error float {worstFloat:E2}, double {worstDouble:E2}; paths: {string.Join(", ", pathsHit.Order())}"));
        // Without 256-bit vector hardware every row takes the one-row code, so the lane form cannot run.
        Assert.Empty(AllPaths.Where(path => !path.Contains("tiles", StringComparison.Ordinal) || Vector256.IsHardwareAccelerated).Except(pathsHit));
    }

    // The rows of `values` (each `width` wide) preceded by `extra` rows that cycle through them.
    private static double[] RepeatRows(double[] values, int width, int extra)
    {
        int rows = values.Length / width;
        return Enumerable.Range(0, extra).SelectMany(row => values.Skip(row % rows * width).Take(width)).Concat(values).ToArray();
    }

    // Each row predicted alone must give the bits it gets inside the whole batch, whichever tile, lane or block it falls in.
    private static void AssertRowsGiveTheSameBitsAloneAndInTheBatch(INetwork<float> network, double[] inputs, Architecture architecture)
    {
        int inputSize = architecture.Layers[0];
        int outputSize = architecture.Layers[^1];
        float[] batch = inputs.Select(value => (float)value).ToArray();
        int rows = batch.Length / inputSize;
        float[] together = new float[rows * outputSize];
        network.Predict(batch, together);
        float[] alone = new float[outputSize];
        for (int row = 0; row < rows; row++)
        {
            network.Predict(batch.AsSpan(row * inputSize, inputSize), alone);
            for (int j = 0; j < outputSize; j++)
            {
                float inBatch = together[(row * outputSize) + j];
                Assert.True(
                    BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(inBatch),
                    $"{architecture.Declaration}: row {row} of {rows}, output {j}: {alone[j]:R} alone, {inBatch:R} in the batch.");
            }
        }
    }

    // Every kernel form the emitter chooses between, each with the batch sizes that exercise its remainder handling.
    private static readonly string[] AllPaths =
    {
        "lanes: whole tiles and leftover rows", "blocked: 6-row blocks and leftover rows", "blocked: 8 to 15 columns",
        "blocked weight gradient", "packed input gradient", "call per row", "unrolled one-row",
        "single-column call per row", "fused in registers: whole tiles and leftover rows",
        "fused in spans: whole tiles and leftover rows", "fused: more than one block",
        "packed forward and weight gradient", "blocked or packed weight gradient over more than one block",
    };

    // The plan of every network the generator emitted, by class name, from the specs its last pipeline step produced.
    private static Dictionary<string, NetworkPlan> Plans(GeneratorDriverRunResult result) =>
        result.Results.Single().TrackedSteps[TrackingNames.WithWeights]
            .SelectMany(step => step.Outputs)
            .Select(output => new NetworkPlan((generator::Backprop.Generator.Model.NetworkSpec)output.Value))
            .ToDictionary(plan => plan.Spec.TypeName);

    private static IEnumerable<string> KernelPaths(NetworkPlan plan, int rows)
    {
        // The sizes of the blocks that Predict, Loss and Gradient split the batch into.
        int[] blocks = Enumerable.Range(0, (rows + plan.BlockRows - 1) / plan.BlockRows)
            .Select(block => Math.Min(plan.BlockRows, rows - (block * plan.BlockRows)))
            .ToArray();
        bool Leaves(int group) => blocks.Any(count => count > group && count % group != 0);
        if (plan.Fused && Vector256.IsHardwareAccelerated && Leaves(KernelGeometry.Lanes))
        {
            yield return plan.FusedInRegisters ? AllPaths[8] : AllPaths[9];
        }

        if (plan.Fused && blocks.Length > 1)
        {
            yield return AllPaths[10];
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            KernelChoice kernels = layer.Kernels;
            if (kernels.Forward == ProductKernel.Lanes && Vector256.IsHardwareAccelerated && Leaves(KernelGeometry.Lanes))
            {
                yield return AllPaths[0];
            }

            if (kernels.Forward == ProductKernel.Blocked && Leaves(KernelGeometry.ProductRows))
            {
                yield return AllPaths[1];
            }

            if (kernels.Forward == ProductKernel.Blocked && layer.FanOut is >= 8 and < 16)
            {
                yield return AllPaths[2];
            }

            if (kernels.WeightGradient == ProductKernel.Blocked)
            {
                yield return AllPaths[3];
            }

            if (kernels.Forward == ProductKernel.Packed && kernels.WeightGradient == ProductKernel.Packed)
            {
                yield return AllPaths[11];
            }

            if (kernels.WeightGradient is ProductKernel.Blocked or ProductKernel.Packed && blocks.Length > 1)
            {
                yield return AllPaths[12];
            }

            if (kernels.InputGradient == ProductKernel.Packed)
            {
                yield return AllPaths[4];
            }

            if (kernels.Forward == ProductKernel.PerRow)
            {
                yield return AllPaths[5];
            }

            if (kernels.Forward == ProductKernel.Unrolled)
            {
                yield return AllPaths[6];
            }

            if (kernels.Forward == ProductKernel.PerRow && layer.FanOut == 1 && kernels.InputGradient == ProductKernel.PerRow)
            {
                yield return AllPaths[7];
            }
        }
    }

    private sealed record Architecture(string Name, int[] Layers, Activation[] Activations, LossFunction Loss, bool Bias, bool IsDouble)
    {
        public string Declaration =>
            $"[Network(Layers = new[] {{ {string.Join(", ", Layers)} }}, " +
            $"Activations = new[] {{ {string.Join(", ", Activations.Select(a => "Activation." + a))} }}, " +
            $"Loss = LossFunction.{Loss}, Bias = {(Bias ? "true" : "false")}, ElementType = typeof({(IsDouble ? "double" : "float")}))] " +
            $"public partial class {Name} {{ }}";

        // n0 -> 257..320 -> 1: the last layer has more weights than a narrow layer is unrolled for (256) and one output,
        // the per-row dot-product form.
        public static Architecture WideSingleOutput(Random random, string name)
        {
            int[] layers = { random.Next(1, 17), random.Next(257, 321), 1 };
            LossFunction loss = random.Next(2) == 0 ? LossFunction.MeanSquaredError : LossFunction.BinaryCrossEntropy;
            Activation output = loss == LossFunction.BinaryCrossEntropy ? Activation.Sigmoid : Hidden[random.Next(Hidden.Length)];
            Activation[] activations = { Hidden[random.Next(Hidden.Length)], output };
            return new Architecture(name, layers, activations, loss, random.Next(4) != 0, random.Next(2) == 0);
        }

        // n0 -> 513..560 -> 513..560 -> n3, float: the middle layer has the 2^18 weights from which the forward product
        // and the weight gradient are packed products, with panels, column blocks and inner slices that do not divide it.
        public static Architecture Packed(Random random, string name)
        {
            int[] layers = { random.Next(1, 17), random.Next(513, 561), random.Next(513, 561), random.Next(2, 20) };
            Activation[] activations = { Hidden[random.Next(Hidden.Length)], Hidden[random.Next(Hidden.Length)], Activation.Softmax };
            return new Architecture(name, layers, activations, LossFunction.CrossEntropy, random.Next(4) != 0, IsDouble: false);
        }

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
