extern alias generator;

using Basic.Reference.Assemblies;
using generator::Backprop.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Backprop.CodeFixes.Tests;

/// <summary>
/// Roslyn's code-fix test: the analyzer reports the diagnostics marked in the source (<c>{|BPG001:Name|}</c>), the fix
/// turns it into the fixed source, the fixed source has no diagnostic at all (compiler or analyzer), and the fix-all
/// providers (document, project, solution) give the same result. Compiled as C# 12, the oldest language the package
/// supports, against the .NET 10 reference assemblies and the Backprop.Gen attributes.
/// </summary>
internal sealed class FixTest<TFix> : CSharpCodeFixTest<NetworkDeclarationAnalyzer, TFix, DefaultVerifier>
    where TFix : CodeFixProvider, new()
{
    public FixTest(string source, string fixedSource, string? equivalenceKey = null)
    {
        // No reference-assembly package to download: the .NET 10 references come from Basic.Reference.Assemblies.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Net100.References.All);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        TestCode = source;
        FixedCode = fixedSource;
        CodeActionEquivalenceKey = equivalenceKey;
    }

    protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose);
}
