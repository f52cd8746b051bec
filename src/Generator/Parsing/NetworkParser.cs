using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generator.Parsing;

/// <summary>
/// Turns a class and its <c>[Network]</c> attribute into a <see cref="NetworkSpec"/>. Pure: it reads symbols and
/// returns values, and never throws for any input the compiler can bind.
/// </summary>
internal static class NetworkParser
{
    public const string AttributeMetadataName = "Backprop.NetworkAttribute";

    /// <summary>
    /// Returns the spec of a valid declaration, or <see langword="null"/> when the declaration breaks a rule (the
    /// analyzer reports which) or does not bind.
    /// </summary>
    public static NetworkSpec? TryParse(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
    {
        NetworkDeclaration declaration = ReadAttribute(attribute);
        if (declaration.HasBindingErrors || NetworkRules.FindProblems(type, declaration, cancellationToken).Count > 0)
        {
            return null;
        }

        return CreateSpec(type, declaration);
    }

    /// <summary>Reads the attribute's named arguments, keeping enum values as integers.</summary>
    public static NetworkDeclaration ReadAttribute(AttributeData attribute)
    {
        var declaration = new NetworkDeclaration();
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            TypedConstant value = argument.Value;
            if (value.Kind == TypedConstantKind.Error)
            {
                declaration.HasBindingErrors = true;
                continue;
            }

            switch (argument.Key)
            {
                case "Layers":
                    declaration.Layers = ReadIntegers(value, declaration);
                    break;
                case "Activations":
                    declaration.Activations = ReadIntegers(value, declaration);
                    break;
                case "Loss" when value.Value is int loss:
                    declaration.Loss = loss;
                    break;
                case "Bias" when value.Value is bool bias:
                    declaration.Bias = bias;
                    break;
                case "Weights":
                    declaration.Weights = value.Value as string;
                    break;
                case "ElementType":
                    declaration.ElementType = value.Value as ITypeSymbol;
                    declaration.ElementTypeIsDefault = false;
                    break;
            }
        }

        return declaration;
    }

    /// <summary>Whether any declaration of <paramref name="type"/> carries the <c>partial</c> modifier.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(reference =>
            reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax &&
            syntax.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static int[]? ReadIntegers(TypedConstant value, NetworkDeclaration declaration)
    {
        if (value.Kind != TypedConstantKind.Array || value.IsNull)
        {
            return null;
        }

        ImmutableArray<TypedConstant> items = value.Values;
        var result = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Value is int item)
            {
                result[i] = item;
            }
            else
            {
                declaration.HasBindingErrors = true;
            }
        }

        return result;
    }

    private static NetworkSpec CreateSpec(INamedTypeSymbol type, NetworkDeclaration declaration)
    {
        string fullyQualifiedName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return new NetworkSpec(
            HintName: CreateHintName(fullyQualifiedName),
            Namespace: type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            ContainingTypes: GetContainingTypes(type).ToEquatableArray(),
            Keyword: type.IsRecord ? "record" : "class",
            TypeName: type.Name,
            FullyQualifiedName: fullyQualifiedName,
            Layers: declaration.Layers!.ToEquatableArray(),
            Activations: declaration.Activations!.Select(value => (Activation)value).ToEquatableArray(),
            Loss: (LossFunction)declaration.Loss,
            Bias: declaration.Bias,
            ElementType: declaration.IsSingle
                ? ElementKind.Single
                : ElementKind.Double,
            Weights: declaration.Weights,
            EmbeddedParameters: default);
    }

    private static IEnumerable<ContainingTypeSpec> GetContainingTypes(INamedTypeSymbol type)
    {
        var chain = new Stack<ContainingTypeSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            string keyword = (outer.IsRecord, outer.TypeKind) switch
            {
                (true, TypeKind.Struct) => "record struct",
                (true, _) => "record",
                (false, TypeKind.Struct) => "struct",
                (false, TypeKind.Interface) => "interface",
                _ => "class",
            };
            string name = outer.TypeParameters.Length == 0
                ? outer.Name
                : outer.Name + "<" + string.Join(", ", outer.TypeParameters.Select(parameter => parameter.Name)) + ">";
            chain.Push(new ContainingTypeSpec(keyword, name));
        }

        return chain;
    }

    // "global::Demo.Outer<T>.TinyNet" -> "Demo.Outer{T}.TinyNet.g.cs": unique per type and a valid file name.
    private static string CreateHintName(string fullyQualifiedName) =>
        fullyQualifiedName.Replace("global::", string.Empty).Replace('<', '{').Replace('>', '}').Replace(" ", string.Empty) + ".g.cs";
}
