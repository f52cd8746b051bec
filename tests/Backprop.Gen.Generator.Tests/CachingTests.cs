extern alias generator;

using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using generator::Backprop.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static Backprop.Generator.Tests.EncodedWeights;

namespace Backprop.Generator.Tests;

/// <summary>
/// The incremental pipeline does no work for edits that do not change a network, and its step outputs hold only
/// values (no symbols, syntax or compilations that would pin old compilations in memory). Every step the generator
/// tracks (<see cref="TrackingNames"/>) is checked, so the input holds a network with build-time weights and its
/// weights file as well as a plain network: each step has outputs to check.
/// </summary>
public sealed class CachingTests
{
    private const string Network = """
        using Backprop;

        namespace Demo;

        /// <summary>A network.</summary>
        [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
        public partial class TinyNet { }
        """;

    private const string BakedNetwork = """
        using Backprop;

        namespace Demo;

        /// <summary>A network with build-time weights.</summary>
        [Network(Layers = new[] { 2, 3, 1 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Weights = "model.safetensors")]
        public partial class BakedNet { }
        """;

    /// <summary>Every name in <see cref="TrackingNames"/>, read by reflection so that a step added later is checked too.</summary>
    private static readonly string[] TrackedSteps = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral && field.FieldType == typeof(string))
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Every_tracked_step_is_checked()
    {
        Assert.Equal(
            new[] { TrackingNames.Parse, TrackingNames.ValidNetworks, TrackingNames.WeightsFiles, TrackingNames.WithWeights }.Order(),
            TrackedSteps.Order());
        (_, GeneratorDriverRunResult result, _) = FirstRun(Network, BakedNetwork);
        foreach (string step in TrackedSteps)
        {
            Assert.NotEmpty(Outputs(result, step));
        }
    }

    [Fact]
    public void A_second_run_over_the_same_input_is_fully_cached()
    {
        (CSharpCompilation compilation, _, GeneratorDriver driver) = FirstRun(Network, BakedNetwork);
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(compilation.Clone(), driver);

        AssertAllCached(second);
        AssertOutputsAreCached(second);
    }

    [Fact]
    public void An_unrelated_edit_regenerates_nothing()
    {
        (CSharpCompilation compilation, _, GeneratorDriver driver) = FirstRun(Network, BakedNetwork, "namespace Demo; /// <summary>x</summary>\npublic class Other { }");

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            other,
            CSharpSyntaxTree.ParseText("namespace Demo; /// <summary>x</summary>\npublic class Other { /// <summary>y</summary>\npublic int Value; }", GeneratorHarness.ParseOptions, other.FilePath));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(edited, driver);

        AssertAllCached(second);
        AssertOutputsAreCached(second);
    }

    [Fact]
    public void A_weights_file_rewritten_with_the_same_bytes_regenerates_nothing()
    {
        // What a build that writes the .b64 file again hands the generator: a new AdditionalText with equal text. The
        // file is read again (an untracked step), and the equal result must stop there: WeightsFiles and all after it
        // cached.
        AdditionalText first = Encode(Tiny(values: i => i / 8f));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Network, BakedNetwork);
        (_, _, GeneratorDriver driver) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(first));
        driver = driver.ReplaceAdditionalText(first, Encode(Tiny(values: i => i / 8f)));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(compilation.Clone(), driver);

        AssertAllCached(second);
        AssertOutputsAreCached(second);
    }

    [Fact]
    public void Adding_a_second_network_leaves_the_first_cached()
    {
        (CSharpCompilation compilation, _, GeneratorDriver driver) = FirstRun(Network, BakedNetwork);
        CSharpCompilation extended = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
            using Backprop;

            namespace Demo;

            /// <summary>Another network.</summary>
            [Network(Layers = new[] { 3, 2 }, Activations = new[] { Activation.Identity })]
            public partial class SecondNet { }
            """, GeneratorHarness.ParseOptions, "Second.cs"));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(extended, driver);

        // In every step, the outputs for the networks that were there already (and for the weights file) are Cached.
        // Parse alone may say Unchanged instead: Roslyn reruns the semantic transform of ForAttributeWithMetadataName
        // whenever the compilation changes, and the equal result stops there. The new network's outputs are New.
        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(second, step);
            Assert.NotEmpty(outputs);
            foreach ((object value, IncrementalStepRunReason reason) in outputs)
            {
                string? network = NetworkName(value);
                bool expected = network == "SecondNet"
                    ? reason == IncrementalStepRunReason.New
                    : reason == IncrementalStepRunReason.Cached || (step == TrackingNames.Parse && reason == IncrementalStepRunReason.Unchanged);
                Assert.True(expected, $"Step {step}: the output for {network ?? value.GetType().Name} was {reason}.");
            }
        }

        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.ValidNetworks, TrackingNames.WithWeights })
        {
            Assert.Equal(new[] { "BakedNet", "SecondNet", "TinyNet" }, Outputs(second, step).Select(output => NetworkName(output.Value)).Order());
        }

        // The generated files: the first two are cached, only SecondNet's is new.
        IncrementalStepRunReason[] sources = second.Results.Single().TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached, IncrementalStepRunReason.New }.Order(), sources.Order());
        Assert.Equal(3, second.Results.Single().GeneratedSources.Length);
    }

    [Fact]
    public void Changing_a_network_regenerates_it()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Network);
        (_, GeneratorDriverRunResult first, GeneratorDriver driver) = GeneratorHarness.Run(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Network.Replace("8, 4, 1", "8, 5, 1", StringComparison.Ordinal), GeneratorHarness.ParseOptions, tree.FilePath));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(edited, driver);

        Assert.Contains(
            second.Results.Single().TrackedSteps[TrackingNames.ValidNetworks].SelectMany(step => step.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.NotEqual(first.Results.Single().GeneratedSources.Single().SourceText.ToString(), second.Results.Single().GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Pipeline_outputs_hold_no_symbols_syntax_or_compilations()
    {
        (_, GeneratorDriverRunResult result, _) = FirstRun(Network, BakedNetwork);
        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            foreach ((object value, _) in outputs)
            {
                AssertHoldsOnlyValues(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    /// <summary>A compilation of <paramref name="sources"/> and a driver that has run once over it (its result), with BakedNet's weights file.</summary>
    private static (CSharpCompilation Compilation, GeneratorDriverRunResult Result, GeneratorDriver Driver) FirstRun(params string[] sources)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources);
        (_, GeneratorDriverRunResult result, GeneratorDriver driver) = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(Encode(Tiny(values: i => i / 8f))));
        Assert.Equal(sources.Count(source => source.Contains("[Network(", StringComparison.Ordinal)), result.Results.Single().GeneratedSources.Length);
        return (compilation, result, driver);
    }

    private static (object Value, IncrementalStepRunReason Reason)[] Outputs(GeneratorDriverRunResult result, string step)
    {
        IReadOnlyDictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> steps = result.Results.Single().TrackedSteps;
        Assert.True(steps.ContainsKey(step), $"Step {step} did not run.");
        return steps[step].SelectMany(run => run.Outputs).ToArray();
    }

    /// <summary>The network a step output is about (its spec's type name), or null for an output that is not a network.</summary>
    private static string? NetworkName(object value) =>
        value.GetType().GetProperty("TypeName", BindingFlags.Instance | BindingFlags.Public)?.GetValue(value) as string;

    private static void AssertAllCached(GeneratorDriverRunResult result)
    {
        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            foreach ((object value, IncrementalStepRunReason reason) in outputs)
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {step}: the output for {NetworkName(value) ?? value.GetType().Name} was {reason}.");
            }
        }
    }

    private static void AssertOutputsAreCached(GeneratorDriverRunResult result)
    {
        var outputs = result.Results.Single().TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs).ToArray();
        Assert.NotEmpty(outputs);
        foreach ((object _, IncrementalStepRunReason reason) in outputs)
        {
            Assert.Equal(IncrementalStepRunReason.Cached, reason);
        }
    }

    private static void AssertHoldsOnlyValues(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location or AttributeData or SyntaxReference or AdditionalText,
            $"{path} holds a {value.GetType().Name}.");
        if (value is IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertHoldsOnlyValues(item, path + "[]", seen);
            }
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Type type = field.FieldType;
            Assert.False(type.IsArray && !type.Name.StartsWith("EquatableArray", StringComparison.Ordinal) && field.DeclaringType?.Name.StartsWith("EquatableArray", StringComparison.Ordinal) != true, $"{path}.{field.Name} is a plain array, which compares by reference.");
            AssertHoldsOnlyValues(field.GetValue(value), path + "." + field.Name, seen);
        }
    }
}
