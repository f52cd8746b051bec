using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Backprop.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Backprop.CodeFixes;

/// <summary>
/// A <c>[Network]</c> attribute as written, with the values the compiler bound to it: what the fixes that rewrite its
/// arguments read, and the syntax they build (arrays in the form the user wrote them, enum members qualified so that they
/// bind anywhere, then simplified to what the file's usings allow).
/// </summary>
internal sealed class NetworkDeclarationSyntax
{
    private NetworkDeclarationSyntax(AttributeSyntax attribute, int? layerCount, int[]? activations, int loss)
    {
        Attribute = attribute;
        LayerCount = layerCount;
        Activations = activations;
        Loss = loss;
    }

    public AttributeSyntax Attribute { get; }

    /// <summary>The number of layer sizes, or null when they are not known.</summary>
    public int? LayerCount { get; }

    /// <summary>The activation values as bound (defined or not), or null when the argument is missing or not constant.</summary>
    public int[]? Activations { get; }

    public int Loss { get; }

    /// <summary>The <c>[Network]</c> attribute that holds <paramref name="node"/>, with its bound values.</summary>
    public static async Task<NetworkDeclarationSyntax?> FindAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        AttributeSyntax? attribute = node.AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (attribute?.Parent?.Parent is not TypeDeclarationSyntax type || model?.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol symbol)
        {
            return null;
        }

        AttributeData? data = symbol.GetAttributes().FirstOrDefault(candidate =>
            candidate.AttributeClass?.ToDisplayString() == NetworkParser.AttributeMetadataName &&
            candidate.ApplicationSyntaxReference?.Span == attribute.Span);
        if (data is null)
        {
            return null;
        }

        int? layerCount = null;
        int[]? activations = null;
        int loss = 0;
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Layers" when !argument.Value.IsNull && argument.Value.Kind == TypedConstantKind.Array:
                    layerCount = argument.Value.Values.Length;
                    break;
                case "Activations" when !argument.Value.IsNull && argument.Value.Kind == TypedConstantKind.Array:
                    activations = argument.Value.Values.Select(value => value.Value is int number ? number : -1).ToArray();
                    break;
                case "Loss" when argument.Value.Value is int number:
                    loss = number;
                    break;
            }
        }

        return new NetworkDeclarationSyntax(attribute, layerCount, activations, loss);
    }

    /// <summary>The type declaration whose name a diagnostic sits on.</summary>
    public static TypeDeclarationSyntax? TypeAt(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();

    /// <summary>The <c>[Network]</c> attribute that holds a diagnostic's location, with its bound values.</summary>
    public static Task<NetworkDeclarationSyntax?> FindAsync(Document document, SyntaxNode root, Diagnostic diagnostic, CancellationToken cancellationToken) =>
        FindAsync(document, root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), cancellationToken);

    /// <summary>The value written for the named argument, or null.</summary>
    public ExpressionSyntax? ArgumentValue(string name) =>
        Attribute.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name)?.Expression;

    /// <summary>The elements of an array written as <c>new[] { ... }</c>, <c>new T[] { ... }</c> or <c>[ ... ]</c>.</summary>
    public static IReadOnlyList<ExpressionSyntax>? Elements(ExpressionSyntax? array) => array switch
    {
        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        CollectionExpressionSyntax collection when collection.Elements.All(element => element is ExpressionElementSyntax) =>
            collection.Elements.Cast<ExpressionElementSyntax>().Select(element => element.Expression).ToList(),
        _ => null,
    };

    /// <summary><paramref name="array"/> in the same form, holding <paramref name="elements"/>.</summary>
    public static ExpressionSyntax WithElements(ExpressionSyntax array, IEnumerable<ExpressionSyntax> elements)
    {
        // The new elements are separated by ", "; the space before the closing brace was the old last element's.
        SyntaxTriviaList closing = Elements(array) is { Count: > 0 } old ? old[old.Count - 1].GetTrailingTrivia() : default;
        List<ExpressionSyntax> items = elements.Select(element => element.WithoutTrivia()).ToList();
        if (items.Count > 0)
        {
            items[items.Count - 1] = items[items.Count - 1].WithTrailingTrivia(closing);
        }

        SeparatedSyntaxList<ExpressionSyntax> list = SyntaxFactory.SeparatedList(items);
        return array switch
        {
            ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.WithInitializer(implicitArray.Initializer.WithExpressions(list)),
            ArrayCreationExpressionSyntax { Initializer: { } initializer } explicitArray => explicitArray.WithInitializer(initializer.WithExpressions(list)),
            CollectionExpressionSyntax collection => collection.WithElements(SyntaxFactory.SeparatedList<CollectionElementSyntax>(list.Select(SyntaxFactory.ExpressionElement))),
            _ => array,
        };
    }

    /// <summary><c>Backprop.{enumName}.{member}</c>, fully qualified and marked for simplification.</summary>
    public static ExpressionSyntax Member(string enumName, string member) =>
        SyntaxFactory.ParseExpression($"global::Backprop.{enumName}.{member}").WithAdditionalAnnotations(Simplifier.Annotation);

    public static ExpressionSyntax Member(Activation activation) => Member(nameof(Activation), activation.ToString());

    public static ExpressionSyntax Member(LossFunction loss) => Member(nameof(LossFunction), loss.ToString());

    /// <summary>The document with <paramref name="old"/> replaced by <paramref name="replacement"/>.</summary>
    public static async Task<Document> ReplaceAsync(Document document, SyntaxNode old, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(old, replacement.WithTriviaFrom(old)));
    }
}
