namespace Backprop.Generator.Model;

/// <summary>The element type of a network's parameters and data.</summary>
internal enum ElementKind
{
    Single,
    Double,
}

/// <summary>A type that encloses the network class, re-declared <c>partial</c> around the generated code.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The name, with its type parameter list when generic (for example <c>Outer&lt;T&gt;</c>).</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>
/// Everything the emitter needs to write one network, as plain values. It deliberately holds no symbol, syntax node,
/// location or compilation (they compare by reference and would pin old compilations in memory), and only
/// <see cref="EquatableArray{T}"/> for sequences, so that equal declarations give equal specs and the incremental
/// pipeline skips regeneration. <see cref="EmbeddedParameters"/> holds the build-time weights once the file named by
/// <see cref="Weights"/> has been read (empty otherwise).
/// </summary>
internal sealed record NetworkSpec(
    string HintName,
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string Keyword,
    string TypeName,
    string FullyQualifiedName,
    EquatableArray<int> Layers,
    EquatableArray<Activation> Activations,
    LossFunction Loss,
    bool Bias,
    ElementKind ElementType,
    string? Weights,
    EquatableArray<double> EmbeddedParameters);
