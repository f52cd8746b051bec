using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Parsing;

/// <summary>Where in the source a declaration problem is reported.</summary>
internal enum ProblemSite
{
    /// <summary>The network class's identifier.</summary>
    TypeName,

    /// <summary>The identifier of <see cref="DeclarationProblem.ContainingType"/>.</summary>
    ContainingTypeName,

    /// <summary>The whole attribute.</summary>
    Attribute,

    /// <summary>The value of the named argument <see cref="DeclarationProblem.ArgumentName"/>, or one element of it
    /// when <see cref="DeclarationProblem.ElementIndex"/> is set.</summary>
    Argument,
}

/// <summary>
/// One rule a declaration breaks. Only the analyzer turns these into diagnostics (with locations); the generator just
/// declines to emit code for a declaration that has any.
/// </summary>
internal sealed class DeclarationProblem
{
    public DeclarationProblem(DiagnosticDescriptor descriptor, ProblemSite site, params object[] messageArguments)
    {
        Descriptor = descriptor;
        Site = site;
        MessageArguments = messageArguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public ProblemSite Site { get; }

    public object[] MessageArguments { get; }

    public string? ArgumentName { get; init; }

    public int ElementIndex { get; init; } = -1;

    public INamedTypeSymbol? ContainingType { get; init; }
}
