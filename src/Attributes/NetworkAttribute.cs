using System;
using System.Diagnostics;

namespace Backprop;

/// <summary>
/// Declares a multilayer perceptron of a fixed shape. The Backprop.Gen source generator completes the
/// <see langword="partial"/> class with constants, a flat parameter vector and specialized forward and backward code.
/// </summary>
/// <example>
/// <code>
/// [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
/// public partial class TinyNet { }
/// </code>
/// </example>
/// <remarks>
/// The attribute is only read by the compiler; it is not kept in the built assembly unless the
/// <c>BACKPROP_GEN_KEEP_ATTRIBUTES</c> symbol is defined.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
[Conditional("BACKPROP_GEN_KEEP_ATTRIBUTES")]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>
    /// The layer sizes <c>[n0, n1, ..., nL]</c>: <c>n0</c> inputs, <c>nL</c> outputs and <c>L</c> weight layers.
    /// At least two entries, each at least 1.
    /// </summary>
    public int[] Layers { get; set; } = Array.Empty<int>();

    /// <summary>The activation of each weight layer: exactly <c>Layers.Length - 1</c> entries.</summary>
    public Activation[] Activations { get; set; } = Array.Empty<Activation>();

    /// <summary>The training loss. Defaults to <see cref="LossFunction.MeanSquaredError"/>.</summary>
    public LossFunction Loss { get; set; } = LossFunction.MeanSquaredError;

    /// <summary>Whether every layer has a bias vector. Defaults to <see langword="true"/>.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The element type of parameters, inputs and outputs: <c>typeof(float)</c> (the default) or <c>typeof(double)</c>.</summary>
    public Type ElementType { get; set; } = typeof(float);

    /// <summary>
    /// A safetensors file (for example saved by <c>Safetensors.Save</c>) or an ONNX model (<c>Onnx.Save</c>,
    /// <c>torch.onnx.export</c>, ending in <c>.onnx</c>) whose parameters are baked into the assembly at build time, so
    /// that the network is ready without file I/O. List the file as an <c>AdditionalFiles</c> item; a file that is
    /// missing, damaged or of another network is a compile error.
    /// </summary>
    public string? Weights { get; set; }
}
