extern alias generator;

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using generator::Backprop.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>
/// The incremental pipeline does no work for edits that do not change a network, and its step outputs hold only
/// values (no symbols, syntax or compilations that would pin old compilations in memory).
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

    private static readonly string[] TrackedSteps = { TrackingNames.Parse, TrackingNames.ValidNetworks };

    [Fact]
    public void A_second_run_over_the_same_input_is_fully_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Network);
        (_, _, GeneratorDriver driver) = GeneratorHarness.Run(compilation);
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(compilation.Clone(), driver);

        AssertAllCached(second);
        AssertOutputsAreCached(second);
    }

    [Fact]
    public void An_unrelated_edit_regenerates_nothing()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Network, "namespace Demo; /// <summary>x</summary>\npublic class Other { }");
        (_, _, GeneratorDriver driver) = GeneratorHarness.Run(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            other,
            CSharpSyntaxTree.ParseText("namespace Demo; /// <summary>x</summary>\npublic class Other { /// <summary>y</summary>\npublic int Value; }", GeneratorHarness.ParseOptions, other.FilePath));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(edited, driver);

        AssertAllCached(second);
        AssertOutputsAreCached(second);
    }

    [Fact]
    public void Adding_a_second_network_leaves_the_first_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Network);
        (_, _, GeneratorDriver driver) = GeneratorHarness.Run(compilation);
        CSharpCompilation extended = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
            using Backprop;

            namespace Demo;

            /// <summary>Another network.</summary>
            [Network(Layers = new[] { 3, 2 }, Activations = new[] { Activation.Identity })]
            public partial class SecondNet { }
            """, GeneratorHarness.ParseOptions, "Second.cs"));
        (_, GeneratorDriverRunResult second, _) = GeneratorHarness.Run(extended, driver);

        IncrementalGeneratorRunStep[] parse = second.Results.Single().TrackedSteps[TrackingNames.ValidNetworks].ToArray();
        var reasons = parse.SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
        Assert.Contains(IncrementalStepRunReason.New, reasons);
        Assert.Contains(reasons, reason => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Equal(2, second.Results.Single().GeneratedSources.Length);
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
        (_, GeneratorDriverRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Network));
        foreach (string step in TrackedSteps)
        {
            foreach (IncrementalGeneratorRunStep run in result.Results.Single().TrackedSteps[step])
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertHoldsOnlyValues(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void AssertAllCached(GeneratorDriverRunResult result)
    {
        IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> steps = result.Results.Single().TrackedSteps;
        foreach (string name in TrackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"Step {name} did not run.");
            var outputs = steps[name].SelectMany(step => step.Outputs).ToArray();
            Assert.NotEmpty(outputs);
            foreach ((object _, IncrementalStepRunReason reason) in outputs)
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step {name} output was {reason}.");
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

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree, $"{path} holds a {value.GetType().Name}.");
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
