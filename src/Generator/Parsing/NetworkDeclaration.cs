using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Parsing;

/// <summary>
/// The raw values of one <c>[Network]</c> attribute, before any rule is checked. Enum values stay integers so that an
/// out-of-range cast such as <c>(Activation)42</c> can be reported instead of crashing the generator.
/// </summary>
internal sealed class NetworkDeclaration
{
    /// <summary>The layer sizes, or <see langword="null"/> when <c>Layers</c> is missing or null.</summary>
    public int[]? Layers { get; set; }

    /// <summary>The activation values, or <see langword="null"/> when <c>Activations</c> is missing or null.</summary>
    public int[]? Activations { get; set; }

    public int Loss { get; set; } = (int)LossFunction.MeanSquaredError;

    public bool Bias { get; set; } = true;

    /// <summary>The element type; <see langword="null"/> when set to <c>null</c> explicitly.</summary>
    public ITypeSymbol? ElementType { get; set; }

    /// <summary>Whether <c>ElementType</c> was not given, so the default <see cref="float"/> applies.</summary>
    public bool ElementTypeIsDefault { get; set; } = true;

    /// <summary>Whether the network computes in <see cref="float"/> (the default), once the declaration is valid.</summary>
    public bool IsSingle => ElementTypeIsDefault || ElementType?.SpecialType == SpecialType.System_Single;

    /// <summary>The build-time weights file name, or <see langword="null"/>.</summary>
    public string? Weights { get; set; }

    /// <summary>Whether an argument did not bind (the compiler reports that error itself).</summary>
    public bool HasBindingErrors { get; set; }
}
