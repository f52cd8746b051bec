using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>
/// The generated source for representative declarations, held against accepted snapshots. Each output must also
/// compile as C# 12 with documentation checks on and no warning at all.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Tiny() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>A tiny network.</summary>
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        public partial class TinyNet { }
        """);

    [Fact]
    public void FusedInSpans() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>Fused (336 weights), with more units than registers: each layer's values in a span.</summary>
        [Network(Layers = new[] { 12, 16, 8, 2 }, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class SpanNet { }
        """);

    [Fact]
    public void Packed() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>A wide layer (1024 x 512 weights): its forward product, weight gradient and the next layer's input gradient packed.</summary>
        [Network(Layers = new[] { 1024, 512, 10 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class WideNet { }
        """);

    [Fact]
    public void Deep() => Verify("""
        using Backprop;

        namespace Demo
        {
            /// <summary>Every hidden activation, in a block-scoped namespace.</summary>
            [Network(Layers = new[] { 16, 32, 24, 16, 8, 3 },
                     Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Identity })]
            public partial class DeepNet { }
        }
        """);

    [Fact]
    public void SoftmaxCrossEntropy() => Verify("""
        using Backprop;

        namespace Demo.Classifiers;

        /// <summary>A classifier.</summary>
        [Network(Layers = new[] { 64, 32, 10 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class DigitsNet { }
        """);

    [Fact]
    public void BinaryCrossEntropy() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>Several independent yes/no outputs, collection-expression syntax.</summary>
        [Network(Layers = [5, 7, 3], Activations = [Activation.Tanh, Activation.Sigmoid], Loss = LossFunction.BinaryCrossEntropy)]
        internal partial class MultiLabelNet { }
        """);

    [Fact]
    public void NoBias() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>No biases; softmax output under squared error uses the full Jacobian.</summary>
        [Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Bias = false)]
        public partial class NoBiasNet { }
        """);

    [Fact]
    public void Double() => Verify("""
        using Backprop;

        namespace Demo;

        /// <summary>A regression network in double precision.</summary>
        [Network(Layers = new[] { 10, 16, 1 }, Activations = new[] { Activation.Tanh, Activation.Identity }, ElementType = typeof(double))]
        public partial class RegressionNet { }
        """);

    [Fact]
    public void NestedType() => Verify("""
        using Backprop;

        namespace Demo.Nested;

        /// <summary>A generic outer type.</summary>
        public partial class Outer<T>
        {
            /// <summary>A record struct in between.</summary>
            public partial record struct Middle
            {
                /// <summary>A network nested two levels deep.</summary>
                [Network(Layers = new[] { 3, 3 }, Activations = new[] { Activation.Identity })]
                public sealed partial record InnerNet;
            }
        }
        """);

    [Fact]
    public void GlobalNamespace() => Verify("""
        using Backprop;

        /// <summary>A network without a namespace.</summary>
        [Network(Layers = new[] { 2, 2, 2 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
        public partial class GlobalNet { }
        """);

    private static void Verify(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        (Compilation output, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source));
        Assert.Empty(GeneratorHarness.Analyze(output).Select(diagnostic => diagnostic.ToString()));
        GeneratedSourceResult generated = Assert.Single(result.Results.Single().GeneratedSources);
        Assert.Empty(GeneratorHarness.WarningsAndErrors(output).Select(diagnostic => diagnostic.ToString()));
        Snapshot.Match(generated.SourceText.ToString(), nameof(SnapshotTests), generated.HintName.Replace(".cs", string.Empty, System.StringComparison.Ordinal), method);
    }
}
