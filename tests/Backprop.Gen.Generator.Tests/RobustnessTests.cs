using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>
/// Random, mostly broken declarations: the generator never throws, the analyzer never throws, and the two agree:
/// code is generated exactly when no BPG diagnostic is reported, and that code compiles.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string[] LayerChoices = { "new[] { 4, 3 }", "new[] { 0, 2 }", "new[] { -5, 2, 1 }", "new[] { 3 }", "new int[0]", "null", "new[] { 2000000, 1 }", "new[] { 8, 4, 1 }", "[2, 2, 2]", "new[] { 1, 1 }" };
    private static readonly string[] ActivationChoices = { "new[] { Activation.Identity }", "new[] { Activation.Softmax }", "new[] { Activation.Sigmoid }", "new[] { Activation.ReLU, Activation.Softmax }", "new[] { Activation.Softmax, Activation.Sigmoid }", "new[] { (Activation)99 }", "null", "new Activation[0]", "[Activation.Tanh, Activation.Tanh]" };
    private static readonly string[] ExtraChoices = { string.Empty, ", Loss = LossFunction.CrossEntropy", ", Loss = LossFunction.BinaryCrossEntropy", ", Loss = (LossFunction)(-1)", ", Bias = false", ", ElementType = typeof(double)", ", ElementType = typeof(string)", ", ElementType = null" };
    private static readonly string[] ClassChoices = { "public partial class", "public class", "public static partial class", "internal sealed partial class", "public partial record" };

    [Fact]
    public void Generator_and_analyzer_agree_on_random_declarations_and_never_throw()
    {
        var random = new Random(12345);
        int generated = 0;
        for (int i = 0; i < 150; i++)
        {
            string generic = random.Next(8) == 0 ? "<T>" : string.Empty;
            string declaration =
                $"[Network(Layers = {Pick(random, LayerChoices)}, Activations = {Pick(random, ActivationChoices)}{Pick(random, ExtraChoices)})]\n" +
                $"{Pick(random, ClassChoices)} Net{generic} {{ }}";
            Compilation compilation = GeneratorHarness.CreateCompilation("using Backprop;\n" + declaration);
            bool reported = GeneratorHarness.Analyze(compilation).Any(d => d.Id.StartsWith("BPG", StringComparison.Ordinal));
            (Compilation output, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation);
            bool emitted = result.Results.Single().GeneratedSources.Length > 0;

            Assert.True(reported != emitted, $"Reported: {reported}, emitted: {emitted} for\n{declaration}");
            if (emitted)
            {
                generated++;
                Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
            }
        }

        Assert.InRange(generated, 1, 149);
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}
