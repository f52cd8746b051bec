extern alias generator;

using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using generator::Backprop.Generator;
using generator::Backprop.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Backprop.Generator.Tests;

/// <summary>An additional file held in memory, as the compiler passes one to generators and analyzers.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
        Microsoft.CodeAnalysis.Text.SourceText.From(text);
}

/// <summary>
/// Runs the generator and the analyzer in memory over user source, as the compiler would, against the .NET 10 reference
/// assemblies plus the Backprop.Gen attributes and runtime. C# 12 is the oldest language the package supports, so
/// everything is compiled as C# 12.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[]
        {
            MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Workspace<>).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(TensorPrimitives).Assembly.Location),
        })
        .ToImmutableArray();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "UserAssembly" + Guid.NewGuid().ToString("N"),
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999)
                .WithSpecificDiagnosticOptions(AssemblyUnificationWarnings));

    // Reference-version unification notices, which the .NET SDK suppresses in every project too.
    private static readonly System.Collections.Generic.Dictionary<string, ReportDiagnostic> AssemblyUnificationWarnings = new()
    {
        ["CS1701"] = ReportDiagnostic.Suppress,
        ["CS1702"] = ReportDiagnostic.Suppress,
    };

    public static GeneratorDriver CreateDriver(params AdditionalText[] additionalTexts) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts,
            ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; fails the test if it threw.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result, GeneratorDriver Driver) Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        GeneratorDriverRunResult result = driver.GetRunResult();
        Assert.All(result.Results, generatorResult => Assert.Null(generatorResult.Exception));
        return (output, result, driver);
    }

    /// <summary>The analyzer's diagnostics, failing the test on any analyzer exception (AD0001).</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation, params AdditionalText[] additionalTexts)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalTexts.ToImmutableArray()),
            onAnalyzerException: (exception, _, _) => Assert.Fail("Analyzer threw: " + exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkDeclarationAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.DoesNotContain(diagnostics, diagnostic => diagnostic.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>Compiler diagnostics of warning severity or worse.</summary>
    public static Diagnostic[] WarningsAndErrors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning).ToArray();

    /// <summary>Emits the compilation and loads it, failing with the diagnostics when it does not compile.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        return new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
    }
}
