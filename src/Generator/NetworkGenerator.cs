using Backprop.Generator.Emitter;
using Backprop.Generator.Model;
using Backprop.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generator;

/// <summary>
/// Completes every <c>[Network]</c> class with specialized forward and backward code. The pipeline: find the attribute
/// by metadata name, parse it into a value-only <see cref="NetworkSpec"/> (null when the declaration is invalid; the
/// <see cref="Diagnostics.NetworkDeclarationAnalyzer"/> says why), and emit one file per network.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkSpec> networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.AttributeMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) =>
                    attributeContext.TargetSymbol is INamedTypeSymbol type && attributeContext.Attributes.Length == 1
                        ? NetworkParser.TryParse(type, attributeContext.Attributes[0], cancellationToken)
                        : null)
            .WithTrackingName(TrackingNames.Parse)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.ValidNetworks);

        context.RegisterSourceOutput(networks, static (output, spec) =>
            output.AddSource(spec.HintName, NetworkEmitter.Emit(spec)));
    }
}

/// <summary>Names of the pipeline steps, so that tests can check each one is cached.</summary>
public static class TrackingNames
{
    /// <summary>The step that turns an attributed class into a spec.</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The step that drops invalid declarations.</summary>
    public const string ValidNetworks = nameof(ValidNetworks);
}
