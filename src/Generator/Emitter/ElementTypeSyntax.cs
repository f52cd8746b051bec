using System.Globalization;
using Backprop.Generator.Model;

namespace Backprop.Generator.Emitter;

/// <summary>How the emitted code spells the network's element type and its literals.</summary>
internal sealed class ElementTypeSyntax
{
    public static readonly ElementTypeSyntax Single = new("float", "f");
    public static readonly ElementTypeSyntax Double = new("double", "d");

    private readonly string _suffix;

    public static ElementTypeSyntax For(ElementKind kind) => kind == ElementKind.Single ? Single : Double;

    private ElementTypeSyntax(string keyword, string suffix)
    {
        Keyword = keyword;
        _suffix = suffix;
    }

    /// <summary>The C# keyword, <c>float</c> or <c>double</c>.</summary>
    public string Keyword { get; }

    public string Span => $"global::System.Span<{Keyword}>";

    public string ReadOnlySpan => $"global::System.ReadOnlySpan<{Keyword}>";

    /// <summary>A literal of the element type, formatted with the invariant culture so that it round-trips.</summary>
    public string Literal(double value) => value.ToString("R", CultureInfo.InvariantCulture) + _suffix;
}
