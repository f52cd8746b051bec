extern alias generator;

using System;
using System.Linq;
using generator::Backprop.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static Backprop.Generator.Tests.EncodedWeights;

namespace Backprop.Generator.Tests;

/// <summary>
/// Build-time weights as the generator sees them: an AdditionalFiles item <c>name.safetensors.b64</c> or
/// <c>name.onnx.b64</c> (what Backprop.Gen.targets writes). The generated constants, the diagnostics for bad files, and caching when the file changes.
/// </summary>
public sealed class WeightsTests
{
    private const string Declaration = """
        using Backprop;

        namespace Demo;

        /// <summary>A network with baked-in weights.</summary>
        [Network(Layers = new[] { 2, 3, 1 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Weights = "model.safetensors")]
        public partial class BakedNet { }
        """;

    [Fact]
    public void Embedded() => VerifySnapshot(Encode(Tiny(values: i => (i + 1) / 8f)));

    [Fact]
    public void Changing_the_weights_file_regenerates_the_network_and_nothing_else()
    {
        string other = """
            using Backprop;
            namespace Demo;
            /// <summary>A network without weights.</summary>
            [Network(Layers = new[] { 3, 2 }, Activations = new[] { Activation.Identity })]
            public partial class PlainNet { }
            """;
        AdditionalText first = Encode(Tiny(values: i => i / 8f));
        Compilation compilation = GeneratorHarness.CreateCompilation(Declaration, other);
        (_, GeneratorDriverRunResult initial, GeneratorDriver driver) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(first));
        driver = driver.ReplaceAdditionalText(first, Encode(Tiny(values: i => -i / 8f)));
        (_, GeneratorDriverRunResult second, driver) = GeneratorHarness.Run(compilation, driver);

        var reasons = second.Results.Single().TrackedSteps[TrackingNames.WithWeights].SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains(reasons, reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        string Baked(GeneratorDriverRunResult result) => result.Results.Single().GeneratedSources.Single(source => source.HintName.Contains("BakedNet", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("0.125f,", Baked(initial), StringComparison.Ordinal);
        Assert.Contains("-0.125f,", Baked(second), StringComparison.Ordinal);

        (_, GeneratorDriverRunResult third, _) = GeneratorHarness.Run(compilation.Clone(), driver);
        Assert.All(third.Results.Single().TrackedSteps[TrackingNames.WithWeights].SelectMany(step => step.Outputs), output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Theory]
    [InlineData("BPG014", "no file", "no AdditionalFiles item has that name")]
    [InlineData("BPG015", "not base64", "cannot be read")]
    [InlineData("BPG015", "truncated", "beyond the")]
    [InlineData("BPG016", "wrong shape", "has shape [3, 3], but the network needs [3, 2]")]
    [InlineData("BPG016", "other network", "the file holds a network with layers [2,3,1], activations [ReLU,Sigmoid]")]
    [InlineData("BPG016", "beyond float", "parameter 3 (1E+39) is beyond the range of float")]
    public void A_bad_weights_file_is_a_diagnostic_on_the_Weights_argument_and_generates_nothing(string id, string damage, string message)
    {
        AdditionalText[] files = damage switch
        {
            "no file" => Array.Empty<AdditionalText>(),
            "not base64" => new AdditionalText[] { new InMemoryAdditionalText("obj/backprop/model.safetensors.b64", "%%% not base64 %%%") },
            "truncated" => new[] { Encode(Tiny(values: i => i)[..^4]) },
            "wrong shape" => new[] { Encode(Tiny(values: i => i, firstShape: new[] { 3, 3 })) },
            "beyond float" => new[] { Encode(Tiny(values: i => i == 1 ? 1e39 : i, dtype: "F64")) },
            _ => new[] { Encode(Tiny(values: i => i, metadata: "\"__metadata__\":{\"format\":\"backprop-gen\",\"layers\":\"2,3,1\",\"activations\":\"ReLU,Sigmoid\",\"loss\":\"MeanSquaredError\",\"bias\":\"true\"},")) },
        };
        Compilation compilation = GeneratorHarness.CreateCompilation(Declaration);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(compilation, files));
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("\"model.safetensors\"", diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));

        (_, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(files));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public void An_ONNX_file_bakes_in_the_same_code_as_the_safetensors_file_of_the_same_weights()
    {
        // Two formats, two readers, one parameter vector: the generated networks differ only in the file they name.
        string onnxDeclaration = Declaration.Replace("model.safetensors", "model.onnx", StringComparison.Ordinal);
        (Compilation fromOnnx, GeneratorDriverRunResult onnx, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(onnxDeclaration), GeneratorHarness.CreateDriver(EncodedOnnx.Encode(EncodedOnnx.Tiny(values: i => (i + 1) / 8f))));
        (_, GeneratorDriverRunResult safetensors, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Declaration), GeneratorHarness.CreateDriver(Encode(Tiny(values: i => (i + 1) / 8f))));

        Assert.Empty(GeneratorHarness.WarningsAndErrors(fromOnnx).Select(diagnostic => diagnostic.ToString()));
        string baked = Assert.Single(onnx.Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Equal(Assert.Single(safetensors.Results.Single().GeneratedSources).SourceText.ToString(), baked.Replace("model.onnx", "model.safetensors", StringComparison.Ordinal));
        Assert.Contains("0.125f,", baked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BPG015", "not protobuf", "which cannot be read: the file is not a valid ONNX model (protobuf)")]
    [InlineData("BPG016", "other activation", "which does not fit it: layer 0 (node 'fc0' (Gemm)) is followed by ReLU, but the network declares Tanh")]
    [InlineData("BPG016", "unsupported node", "which does not fit it: node 'act0' (Elu) is not supported: a dense chain holds Gemm")]
    public void A_bad_ONNX_file_is_a_diagnostic_that_names_the_node(string id, string damage, string message)
    {
        AdditionalText file = EncodedOnnx.Encode(damage switch
        {
            "not protobuf" => new byte[] { 0x0A, 0xFF, 0xFF, 0x01 },
            "other activation" => EncodedOnnx.Tiny(values: i => i, hidden: "Relu"),
            _ => EncodedOnnx.Tiny(values: i => i, hidden: "Elu"),
        });
        Compilation compilation = GeneratorHarness.CreateCompilation(Declaration.Replace("model.safetensors", "model.onnx", StringComparison.Ordinal));

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(compilation, file));

        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        (_, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(file));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public void A_good_weights_file_gets_no_diagnostic() =>
        Assert.Empty(GeneratorHarness.Analyze(GeneratorHarness.CreateCompilation(Declaration), Encode(Tiny(values: i => i))));

    private static void VerifySnapshot(AdditionalText weights, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        (Compilation output, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Declaration), GeneratorHarness.CreateDriver(weights));
        GeneratedSourceResult generated = Assert.Single(result.Results.Single().GeneratedSources);
        Assert.Empty(GeneratorHarness.WarningsAndErrors(output).Select(diagnostic => diagnostic.ToString()));
        Snapshot.Match(generated.SourceText.ToString(), nameof(WeightsTests), generated.HintName.Replace(".cs", string.Empty, StringComparison.Ordinal), method);
    }
}
