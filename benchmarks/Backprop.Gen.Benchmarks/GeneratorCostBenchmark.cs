extern alias generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Text;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using generator::Backprop.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Benchmarks;

/// <summary>
/// What the generator itself costs a build or an editor, over a project of 50 different networks (1 to 4 weight
/// layers, 1 to 784 units, every activation and loss, float and double, with and without biases, some nested), each
/// in its own file, plus one unrelated file. Two groups, each with its own baseline for the Ratio column:
/// <list type="bullet">
/// <item>Cold (a command-line build): <see cref="ParseSources"/>, the baseline, parses the 51 files and creates the
/// compilation, as any build does; <see cref="GeneratorFromScratch"/> runs a fresh driver over a fresh compilation of
/// those files (no semantic state yet); <see cref="CompileWithGeneratedCode"/>, for scale, compiles the 51 files and
/// the 50 generated ones to an assembly, the work the generated code adds to a build.</item>
/// <item>Edit (an editor after a keystroke): a method body in the unrelated file changes.
/// <see cref="BindAttributesAfterEdit"/>, the baseline, binds the 50 <c>[Network]</c> attributes in the edited
/// compilation, work the compiler does for that compilation anyway; <see cref="GeneratorAfterUnrelatedEdit"/> reruns
/// a driver kept from before the edit. Roslyn reruns the generator's parse step (a semantic transform) for every
/// network when the compilation changes; the set-up checks, and prints, that nothing after it runs again.</item>
/// </list>
/// The drivers track their steps, as the caching check needs, so the timed runs are the runs the check inspects.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratorCostBenchmark
{
    private const int NetworkCount = 50;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                // Reference-version unification notices, which the .NET SDK suppresses in every project too.
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[]
        {
            MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Workspace<>).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(TensorPrimitives).Assembly.Location),
        })
        .ToImmutableArray();

    private const string Unrelated = """
        namespace Bench.App;

        public static class Statistics
        {
            public static double Mean(double[] values)
            {
                double sum = 0;
                foreach (double value in values)
                {
                    sum += value;
                }

                return sum / values.Length;
            }
        }
        """;

    // The same file after an edit inside the method body: nothing a network depends on.
    private const string UnrelatedEdited = """
        namespace Bench.App;

        public static class Statistics
        {
            public static double Mean(double[] values)
            {
                double sum = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    sum += values[i];
                }

                return values.Length == 0 ? 0 : sum / values.Length;
            }
        }
        """;

    private (string Path, string Text)[] _sources = Array.Empty<(string, string)>();
    private SyntaxTree[] _trees = Array.Empty<SyntaxTree>();
    private SyntaxTree _unrelatedEdited = null!;
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _driverBeforeEdit = null!;
    private SyntaxTree[] _generatedTrees = Array.Empty<SyntaxTree>();

    [GlobalSetup]
    public void Setup()
    {
        _sources = NetworkSources().Append(("Statistics.cs", Unrelated)).ToArray();
        _trees = _sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path)).ToArray();
        _unrelatedEdited = CSharpSyntaxTree.ParseText(UnrelatedEdited, ParseOptions, "Statistics.cs");
        _compilation = CSharpCompilation.Create("Networks", _trees, References, CompilationOptions);

        _driverBeforeEdit = CreateDriver().RunGenerators(_compilation);
        GeneratorRunResult first = _driverBeforeEdit.GetRunResult().Results.Single();
        if (first.Exception is not null || first.GeneratedSources.Length != NetworkCount)
        {
            throw new InvalidOperationException($"The generator produced {first.GeneratedSources.Length} files for {NetworkCount} networks: {first.Exception}");
        }

        _generatedTrees = first.GeneratedSources.Select(source => source.SyntaxTree).ToArray();
        using (var assembly = new MemoryStream())
        {
            Diagnostic[] errors = _compilation.AddSyntaxTrees(_generatedTrees).Emit(assembly).Diagnostics
                .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0)
            {
                throw new InvalidOperationException("The 50 networks do not compile: " + string.Join(Environment.NewLine, errors.Take(5)));
            }
        }

        Console.WriteLine("// Caching check: " + CheckUnrelatedEditRegeneratesNothing());
    }

    /// <summary>Parses the 51 files and creates their compilation: the floor any build pays.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Cold")]
    public Compilation ParseSources()
    {
        var trees = new SyntaxTree[_sources.Length];
        for (int i = 0; i < trees.Length; i++)
        {
            trees[i] = CSharpSyntaxTree.ParseText(_sources[i].Text, ParseOptions, _sources[i].Path);
        }

        return CSharpCompilation.Create("Networks", trees, References, CompilationOptions);
    }

    /// <summary>Runs the generator from scratch: new compilation (no semantic state yet), new driver.</summary>
    [Benchmark]
    [BenchmarkCategory("Cold")]
    public GeneratorDriver GeneratorFromScratch() =>
        CreateDriver().RunGenerators(CSharpCompilation.Create("Networks", _trees, References, CompilationOptions));

    /// <summary>Binds the 50 network classes' attributes in the edited compilation, without the generator.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Edit")]
    public int BindAttributesAfterEdit()
    {
        CSharpCompilation edited = EditedCompilation();
        int attributes = 0;
        foreach (SyntaxTree tree in _trees.AsSpan(0, NetworkCount))
        {
            SemanticModel model = edited.GetSemanticModel(tree);
            foreach (ClassDeclarationSyntax declaration in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
            {
                attributes += model.GetDeclaredSymbol(declaration)!.GetAttributes().Length;
            }
        }

        return attributes;
    }

    /// <summary>Reruns the driver kept from before the edit over the edited compilation.</summary>
    [Benchmark]
    [BenchmarkCategory("Edit")]
    public GeneratorDriver GeneratorAfterUnrelatedEdit() =>
        _driverBeforeEdit.RunGenerators(EditedCompilation());

    /// <summary>Compiles the user files with the 50 generated files to an assembly in memory.</summary>
    [Benchmark]
    [BenchmarkCategory("Cold")]
    public long CompileWithGeneratedCode()
    {
        using var assembly = new MemoryStream();
        CSharpCompilation.Create("Networks", _trees.Concat(_generatedTrees), References, CompilationOptions).Emit(assembly);
        return assembly.Length;
    }

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: null,
            ParseOptions,
            optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private CSharpCompilation EditedCompilation() => _compilation.ReplaceSyntaxTree(_trees[^1], _unrelatedEdited);

    // After the edit, every step the generator names (TrackingNames) and every source output must be Cached or
    // Unchanged. Parse reruns its transform on the new compilation (Roslyn reruns a semantic transform whenever the
    // compilation changes) and reports Unchanged when the specs compare equal; from there on nothing runs: no network
    // is emitted or added again.
    private string CheckUnrelatedEditRegeneratesNothing()
    {
        GeneratorRunResult result = _driverBeforeEdit.RunGenerators(EditedCompilation()).GetRunResult().Results.Single();
        var summary = new StringBuilder();
        var failures = new List<string>();
        string[] named = { TrackingNames.Parse, TrackingNames.ValidNetworks, TrackingNames.WeightsFiles, TrackingNames.WithWeights };
        foreach (string step in named)
        {
            if (!result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs))
            {
                // WeightsFiles runs once per additional file, and this project has none.
                if (step != TrackingNames.WeightsFiles)
                {
                    failures.Add($"step {step} did not run");
                }

                continue;
            }

            summary.Append(step).Append(' ').Append(Describe(runs, failures, step)).Append("; ");
        }

        ImmutableArray<IncrementalGeneratorRunStep> outputs = result.TrackedOutputSteps.SelectMany(pair => pair.Value).ToImmutableArray();
        summary.Append("source outputs ").Append(Describe(outputs, failures, "SourceOutput"));
        if (outputs.SelectMany(run => run.Outputs).Count() != NetworkCount)
        {
            failures.Add($"expected {NetworkCount} source outputs");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException("An unrelated edit regenerated work: " + string.Join("; ", failures) + ". Steps: " + summary);
        }

        return string.Create(CultureInfo.InvariantCulture, $"after an unrelated edit, the {NetworkCount} networks regenerate nothing ({summary}).");
    }

    private static string Describe(IEnumerable<IncrementalGeneratorRunStep> runs, List<string> failures, string step)
    {
        var reasons = runs.SelectMany(run => run.Outputs).GroupBy(output => output.Reason).OrderBy(group => group.Key).ToArray();
        foreach (var group in reasons.Where(group => group.Key is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)))
        {
            failures.Add($"{step} has {group.Count()} {group.Key} output(s)");
        }

        return reasons.Length == 0 ? "(no outputs)" : string.Join(", ", reasons.Select(group => $"{group.Count()} {group.Key}"));
    }

    // 50 networks in 50 files, drawn with a fixed seed: every shape path of the emitter (unrolled small layers,
    // TensorPrimitives rows, register-blocked wide float layers), every activation and loss, float and double.
    private static IEnumerable<(string Path, string Text)> NetworkSources()
    {
        int[] inputs = { 2, 4, 8, 13, 64, 784 };
        int[] hidden = { 3, 4, 8, 16, 32, 64, 128, 256 };
        string[] hiddenActivations = { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU" };
        var random = new SeededRandom(2024);
        int Pick(ref SeededRandom r, int count) => (int)(r.NextUInt64() % (ulong)count);

        for (int n = 0; n < NetworkCount; n++)
        {
            var layers = new List<int> { inputs[Pick(ref random, inputs.Length)] };
            int weightLayers = 1 + Pick(ref random, 4);
            var activations = new List<string>();
            for (int l = 1; l < weightLayers; l++)
            {
                layers.Add(hidden[Pick(ref random, hidden.Length)]);
                activations.Add(hiddenActivations[Pick(ref random, hiddenActivations.Length)]);
            }

            (string output, string loss, int outputs) = (n % 4) switch
            {
                0 => ("Softmax", "CrossEntropy", 2 + Pick(ref random, 9)),
                1 => ("Sigmoid", "BinaryCrossEntropy", 1 + Pick(ref random, 3)),
                2 => ("Identity", "MeanSquaredError", 1 + Pick(ref random, 4)),
                _ => ("Tanh", "MeanSquaredError", 1 + Pick(ref random, 16)),
            };
            layers.Add(outputs);
            activations.Add(output);

            string name = $"Net{n:D2}";
            string declaration = $$"""
                [Network(Layers = new[] { {{string.Join(", ", layers)}} },
                         Activations = new[] { {{string.Join(", ", activations.Select(a => "Activation." + a))}} },
                         Loss = LossFunction.{{loss}}{{(n % 3 == 2 ? ", ElementType = typeof(double)" : string.Empty)}}{{(n % 7 == 6 ? ", Bias = false" : string.Empty)}})]
                public partial class {{name}} { }
                """;
            string text = n % 10 == 9
                ? $"using Backprop;\n\nnamespace Bench.Models;\n\npublic static partial class Group{n:D2}\n{{\n{Indent(declaration)}\n}}\n"
                : $"using Backprop;\n\nnamespace Bench.Models;\n\n{declaration}\n";
            yield return ($"{name}.cs", text);
        }
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(line => "    " + line));
}
