using System;
using System.Globalization;
using Backprop.Generator.Model;
using Backprop.Generator.Planning;

namespace Backprop.Generator.Emitter;

/// <summary>How the emitted code spells the network's element type and its literals.</summary>
internal sealed class ElementTypeSyntax
{
    public static readonly ElementTypeSyntax Single = new("float", value => ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f");
    public static readonly ElementTypeSyntax Double = new("double", value => value.ToString("R", CultureInfo.InvariantCulture) + "d");

    private readonly Func<double, string> _literal;

    public static ElementTypeSyntax For(ElementKind kind) => kind == ElementKind.Single ? Single : Double;

    /// <summary>The element type of the planned network.</summary>
    public static ElementTypeSyntax Of(NetworkPlan plan) => For(plan.Spec.ElementType);

    private ElementTypeSyntax(string keyword, Func<double, string> literal)
    {
        Keyword = keyword;
        _literal = literal;
    }

    /// <summary>The C# keyword, <c>float</c> or <c>double</c>.</summary>
    public string Keyword { get; }

    public string Span => $"global::System.Span<{Keyword}>";

    public string ReadOnlySpan => $"global::System.ReadOnlySpan<{Keyword}>";

    /// <summary>
    /// A literal of the element type, formatted with the invariant culture so that it round-trips: for float, the value
    /// rounded to float first, so that the literal is the float the network holds.
    /// </summary>
    public string Literal(double value) => _literal(value);
}
