using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generator.Parsing;
using Backprop.Generator.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Backprop.Generator.Diagnostics;

/// <summary>
/// Reports every rule a <c>[Network]</c> declaration breaks (<see cref="NetworkRules"/>), at the most precise place:
/// the class name, the offending argument, or the offending element of an array argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NotPartial,
        DiagnosticDescriptors.TooFewLayers,
        DiagnosticDescriptors.LayerSizeNotPositive,
        DiagnosticDescriptors.ActivationCountMismatch,
        DiagnosticDescriptors.SoftmaxNotOnOutput,
        DiagnosticDescriptors.CrossEntropyNeedsSoftmax,
        DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid,
        DiagnosticDescriptors.UnsupportedElementType,
        DiagnosticDescriptors.GenericNetwork,
        DiagnosticDescriptors.StaticNetwork,
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.NetworkTooLarge,
        DiagnosticDescriptors.UndefinedEnumValue,
        DiagnosticDescriptors.WeightsFileNotFound,
        DiagnosticDescriptors.WeightsFileInvalid,
        DiagnosticDescriptors.WeightsDoNotFit);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attributeType = start.Compilation.GetTypeByMetadataName(NetworkParser.AttributeMetadataName);
            if (attributeType is not null)
            {
                start.RegisterSymbolAction(symbol => AnalyzeType(symbol, attributeType), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        ReportNetworksNestedIn(context, type, attributeType);
        AttributeData? attribute = type.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, attributeType));
        if (attribute is null)
        {
            return;
        }

        NetworkDeclaration declaration = NetworkParser.ReadAttribute(attribute);
        if (declaration.HasBindingErrors)
        {
            return; // The compiler reports why the attribute does not bind.
        }

        List<DeclarationProblem> problems = NetworkRules.FindProblems(type, declaration, context.CancellationToken);
        if (problems.Count == 0 && declaration.Weights is { } weights)
        {
            WeightsResult result = WeightsReader.Read(weights, ReadWeightsFiles(context), declaration.Layers!, declaration.Activations!.Select(value => (Activation)value).ToArray(), (LossFunction)declaration.Loss, declaration.Bias, declaration.IsSingle);
            if (result.Problem is not null)
            {
                problems.Add(new DeclarationProblem(result.Problem, ProblemSite.Argument, type.Name, weights, result.Detail) { ArgumentName = "Weights" });
            }
        }

        // A containing type that is not partial is reported by that type's own analysis (ReportNetworksNestedIn), so that
        // the diagnostic lies inside the symbol analyzed: the IDE then shows it, and offers its fix, while it analyzes
        // only the open document.
        foreach (DeclarationProblem problem in problems.Where(problem => problem.Site != ProblemSite.ContainingTypeName))
        {
            Location location = Locate(problem, type, attribute, context.CancellationToken);
            context.ReportDiagnostic(Diagnostic.Create(problem.Descriptor, location, problem.MessageArguments));
        }
    }

    // BPG011 on a type that is not partial, once for each network declared inside it at any depth.
    private static void ReportNetworksNestedIn(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol attributeType)
    {
        if (type.GetTypeMembers().IsEmpty || NetworkParser.IsPartial(type, context.CancellationToken))
        {
            return;
        }

        var nested = new Stack<INamedTypeSymbol>(type.GetTypeMembers());
        while (nested.Count > 0)
        {
            INamedTypeSymbol member = nested.Pop();
            foreach (INamedTypeSymbol inner in member.GetTypeMembers())
            {
                nested.Push(inner);
            }

            AttributeData? attribute = member.GetAttributes().FirstOrDefault(data => SymbolEqualityComparer.Default.Equals(data.AttributeClass, attributeType));
            if (attribute is not null && !NetworkParser.ReadAttribute(attribute).HasBindingErrors)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContainingTypeNotPartial, type.Locations.FirstOrDefault() ?? Location.None, member.Name, type.Name));
            }
        }
    }

    private static IEnumerable<EncodedWeightsFile> ReadWeightsFiles(SymbolAnalysisContext context)
    {
        foreach (AdditionalText text in context.Options.AdditionalFiles)
        {
            if (EncodedWeightsFile.OriginalName(text.Path) is { } name)
            {
                yield return new EncodedWeightsFile(name, text.GetText(context.CancellationToken)?.ToString() ?? string.Empty);
            }
        }
    }

    private static Location Locate(DeclarationProblem problem, INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
    {
        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        Location attributeLocation = attributeSyntax?.GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
        switch (problem.Site)
        {
            case ProblemSite.TypeName:
                return type.Locations.FirstOrDefault() ?? attributeLocation;
            case ProblemSite.ContainingTypeName:
                return problem.ContainingType?.Locations.FirstOrDefault() ?? attributeLocation;
            case ProblemSite.Argument:
                ExpressionSyntax? value = attributeSyntax?.ArgumentList?.Arguments
                    .FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == problem.ArgumentName)?.Expression;
                if (value is null)
                {
                    return attributeLocation;
                }

                return (problem.ElementIndex >= 0 ? GetElement(value, problem.ElementIndex) : null)?.GetLocation() ?? value.GetLocation();
            default:
                return attributeLocation;
        }
    }

    // The element of an array written as 'new[] { ... }', 'new int[] { ... }' or '[ ... ]', when it is written out.
    private static SyntaxNode? GetElement(ExpressionSyntax array, int index)
    {
        SeparatedSyntaxList<ExpressionSyntax>? elements = array switch
        {
            ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
            ArrayCreationExpressionSyntax explicitArray => explicitArray.Initializer?.Expressions,
            _ => null,
        };
        if (elements is { } list && index < list.Count)
        {
            return list[index];
        }

        return array is CollectionExpressionSyntax collection && index < collection.Elements.Count ? collection.Elements[index] : null;
    }
}
