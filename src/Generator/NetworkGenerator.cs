using System.Collections.Immutable;
using Backprop.Generator.Emitter;
using Backprop.Generator.Model;
using Backprop.Generator.Parsing;
using Backprop.Generator.Weights;
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

        IncrementalValueProvider<ImmutableArray<EncodedWeightsFile>> weightsFiles = context.AdditionalTextsProvider
            .Select(static (text, cancellationToken) => EncodedWeightsFile.OriginalName(text.Path) is { } name
                ? new EncodedWeightsFile(name, text.GetText(cancellationToken)?.ToString() ?? string.Empty)
                : null)
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .WithTrackingName(TrackingNames.WeightsFiles)
            .Collect();

        // Networks without build-time weights pass through unchanged (and stay cached when a weights file changes).
        IncrementalValuesProvider<NetworkSpec> complete = networks
            .Combine(weightsFiles)
            .Select(static (pair, _) => AttachWeights(pair.Left, pair.Right))
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!)
            .WithTrackingName(TrackingNames.WithWeights);

        context.RegisterSourceOutput(complete, static (output, spec) =>
            output.AddSource(spec.HintName, NetworkEmitter.Emit(spec)));
    }

    private static NetworkSpec? AttachWeights(NetworkSpec spec, ImmutableArray<EncodedWeightsFile> files)
    {
        if (spec.Weights is null)
        {
            return spec;
        }

        WeightsResult result = WeightsReader.Read(spec.Weights, files, spec.Layers.AsSpan().ToArray(), spec.Activations.AsSpan().ToArray(), spec.Loss, spec.Bias, spec.ElementType == ElementKind.Single);
        return result.Parameters is null ? null : spec with { EmbeddedParameters = result.Parameters.ToEquatableArray() };
    }
}

/// <summary>Names of the pipeline steps, so that tests can check each one is cached.</summary>
public static class TrackingNames
{
    /// <summary>The step that turns an attributed class into a spec.</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The step that drops invalid declarations.</summary>
    public const string ValidNetworks = nameof(ValidNetworks);

    /// <summary>The step that reads the encoded build-time weights files.</summary>
    public const string WeightsFiles = nameof(WeightsFiles);

    /// <summary>The step that attaches build-time weights to the networks that name a file.</summary>
    public const string WithWeights = nameof(WithWeights);
}
