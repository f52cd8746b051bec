using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>
/// Every diagnostic, reported where the mistake is (the marked text), with no generated code for the broken
/// declaration and no other compiler error; and valid declarations get no diagnostic.
/// </summary>
public sealed class AnalyzerTests
{
    [Theory]
    [InlineData("BPG001", "[Network(Layers = new[] { 2, 1 }, Activations = new[] { Activation.Identity })] public class [|Net|] { }")]
    [InlineData("BPG002", "[Network(Layers = [|new[] { 4 }|], Activations = new Activation[0])] public partial class Net { }")]
    [InlineData("BPG002", "[[|Network(Activations = new[] { Activation.Identity })|]] public partial class Net { }")]
    [InlineData("BPG003", "[Network(Layers = new[] { 4, [|0|], 1 }, Activations = new[] { Activation.ReLU, Activation.Identity })] public partial class Net { }")]
    [InlineData("BPG003", "[Network(Layers = [4, 3, [|-2|]], Activations = [Activation.ReLU, Activation.Identity])] public partial class Net { }")]
    [InlineData("BPG004", "[Network(Layers = new[] { 4, 3, 1 }, Activations = [|new[] { Activation.ReLU }|])] public partial class Net { }")]
    [InlineData("BPG004", "[[|Network(Layers = new[] { 4, 3, 1 })|]] public partial class Net { }")]
    [InlineData("BPG005", "[Network(Layers = new[] { 4, 3, 1 }, Activations = new[] { [|Activation.Softmax|], Activation.Identity })] public partial class Net { }")]
    [InlineData("BPG006", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Sigmoid }, Loss = [|LossFunction.CrossEntropy|])] public partial class Net { }")]
    [InlineData("BPG007", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Softmax }, Loss = [|LossFunction.BinaryCrossEntropy|])] public partial class Net { }")]
    [InlineData("BPG008", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity }, ElementType = [|typeof(int)|])] public partial class Net { }")]
    [InlineData("BPG008", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity }, ElementType = [|typeof(System.Half)|])] public partial class Net { }")]
    [InlineData("BPG009", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity })] public partial class [|Net|]<T> { }")]
    [InlineData("BPG010", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity })] public static partial class [|Net|] { }")]
    [InlineData("BPG011", "public class [|Outer|] { [Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity })] public partial class Net { } }")]
    [InlineData("BPG012", "[Network(Layers = [|new[] { 10000, 10000 }|], Activations = new[] { Activation.Identity })] public partial class Net { }")]
    [InlineData("BPG012", "[Network(Layers = [|new[] { 2000000, 1 }|], Activations = new[] { Activation.Identity })] public partial class Net { }")]
    [InlineData("BPG013", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { [|(Activation)42|] })] public partial class Net { }")]
    [InlineData("BPG013", "[Network(Layers = new[] { 4, 3 }, Activations = new[] { Activation.Identity }, Loss = [|(LossFunction)7|])] public partial class Net { }")]
    public void A_broken_declaration_gets_its_diagnostic_at_the_mistake_and_no_code(string id, string declaration)
    {
        (string source, string marked) = Unmark("using Backprop;\n" + declaration);
        Compilation compilation = GeneratorHarness.CreateCompilation(source);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(compilation));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(marked, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith($"docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri, System.StringComparison.Ordinal);

        // The generator stays silent, so the only error the user sees is the one that says how to fix the declaration.
        (Compilation output, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.Empty(GeneratorHarness.WarningsAndErrors(output).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public void More_than_64_weight_layers_are_too_many()
    {
        string layers = string.Join(", ", Enumerable.Repeat("2", 66));
        string activations = string.Join(", ", Enumerable.Repeat("Activation.Tanh", 65));
        string source = $"using Backprop;\n[Network(Layers = new[] {{ {layers} }}, Activations = new[] {{ {activations} }})] public partial class Net {{ }}";
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.Analyze(GeneratorHarness.CreateCompilation(source)));
        Assert.Equal("BPG012", diagnostic.Id);
        Assert.Contains("65 weight layers", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Each_problem_of_a_declaration_is_reported()
    {
        (string source, _) = Unmark("""
            using Backprop;
            public class Outer
            {
                [Network(Layers = new[] { 4, 0, -1 }, Activations = new[] { Activation.ReLU, Activation.Identity })]
                public static class Net { }
            }
            """);
        string[] ids = GeneratorHarness.Analyze(GeneratorHarness.CreateCompilation(source)).Select(d => d.Id).OrderBy(id => id).ToArray();
        Assert.Equal(new[] { "BPG001", "BPG003", "BPG003", "BPG010", "BPG011" }, ids);
    }

    [Theory]
    [InlineData("[Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })] public partial class Net { }")]
    [InlineData("[Network(Layers = new[] { 8, 4, 3 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)] public partial class Net { }")]
    [InlineData("[Network(Layers = new[] { 8, 1 }, Activations = new[] { Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Bias = false)] public partial class Net { }")]
    [InlineData("[Network(Layers = new[] { 8, 3 }, Activations = new[] { Activation.Softmax })] public partial class Net { }")]
    [InlineData("[Network(Layers = new[] { 2, 2 }, Activations = new[] { Activation.LeakyReLU }, ElementType = typeof(double))] public abstract partial class Net { }")]
    [InlineData("public partial class Outer<T> { [Network(Layers = new[] { 2, 2 }, Activations = new[] { Activation.Identity })] internal partial class Net { } }")]
    [InlineData("[Network(Layers = new[] { 5000, 5000, 1 }, Activations = new[] { Activation.ReLU, Activation.Identity }, Bias = false)] public partial class Net { }")]
    public void A_valid_declaration_gets_no_diagnostic_and_compiles(string declaration)
    {
        Compilation compilation = GeneratorHarness.CreateCompilation("using Backprop;\n" + declaration);
        Assert.Empty(GeneratorHarness.Analyze(compilation));
        (Compilation output, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(compilation);
        Assert.Single(result.Results.Single().GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    [Fact]
    public void A_diagnostic_can_be_suppressed_like_any_analyzer_diagnostic()
    {
        Compilation compilation = GeneratorHarness.CreateCompilation("""
            using Backprop;
            #pragma warning disable BPG004
            [Network(Layers = new[] { 4, 3, 1 }, Activations = new[] { Activation.ReLU })]
            #pragma warning restore BPG004
            public partial class Net { }
            """);
        Assert.All(GeneratorHarness.Analyze(compilation), diagnostic => Assert.True(diagnostic.IsSuppressed));
    }

    // "[|text|]" marks where the diagnostic must be; returns the source without the markers and the marked text.
    private static (string Source, string Marked) Unmark(string marked)
    {
        int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        if (start < 0)
        {
            return (marked, string.Empty);
        }

        int end = marked.IndexOf("|]", start, System.StringComparison.Ordinal);
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, source.Substring(start, end - start - 2));
    }
}
