using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Backprop.Gen reports. Each message says what is wrong and how to fix it; each id has a page under
/// <c>docs/diagnostics/</c>. They are reported by <see cref="NetworkDeclarationAnalyzer"/>, never by the generator, so
/// they can be suppressed like any analyzer diagnostic and never affect generator caching.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Backprop.Gen";
    private const string HelpLinkBase = "https://github.com/backprop-gen/Backprop.Gen/blob/main/docs/diagnostics/";

    /// <summary>The largest supported number of weight layers (the generated code has a block per layer).</summary>
    public const int MaxWeightLayers = 64;

    /// <summary>The largest supported size of one layer.</summary>
    public const int MaxLayerSize = 1_000_000;

    /// <summary>The largest supported parameter count (200 MB of float parameters).</summary>
    public const long MaxParameterCount = 50_000_000;

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "BPG001",
        "Network class must be partial",
        "Network class '{0}' must be declared 'partial' so that Backprop.Gen can add its members: write 'partial class {0}'");

    public static readonly DiagnosticDescriptor TooFewLayers = Create(
        "BPG002",
        "A network needs at least two layer sizes",
        "Network '{0}' declares {1} layer size(s), but at least two are needed (inputs and outputs): set Layers, for example 'Layers = new[] {{ 4, 8, 1 }}'");

    public static readonly DiagnosticDescriptor LayerSizeNotPositive = Create(
        "BPG003",
        "Layer sizes must be at least 1",
        "Layer size {1} of network '{0}' is {2}, but every layer size must be at least 1");

    public static readonly DiagnosticDescriptor ActivationCountMismatch = Create(
        "BPG004",
        "One activation is needed per weight layer",
        "Network '{0}' has {1} weight layer(s) but {2} activation(s): give exactly Layers.Length - 1 = {1} activations, one per weight layer");

    public static readonly DiagnosticDescriptor SoftmaxNotOnOutput = Create(
        "BPG005",
        "Softmax is supported on the output layer only",
        "Weight layer {1} of network '{0}' uses Softmax, which is supported on the output layer only: choose another activation for this hidden layer");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmax = Create(
        "BPG006",
        "CrossEntropy needs a Softmax output layer",
        "Network '{0}' uses LossFunction.CrossEntropy, which needs a Softmax output layer, but the output activation is {1}: make the last activation Activation.Softmax");

    public static readonly DiagnosticDescriptor BinaryCrossEntropyNeedsSigmoid = Create(
        "BPG007",
        "BinaryCrossEntropy needs a Sigmoid output layer",
        "Network '{0}' uses LossFunction.BinaryCrossEntropy, which needs a Sigmoid output layer, but the output activation is {1}: make the last activation Activation.Sigmoid");

    public static readonly DiagnosticDescriptor UnsupportedElementType = Create(
        "BPG008",
        "Unsupported element type",
        "Network '{0}' has ElementType '{1}', which is not supported: use typeof(float) or typeof(double)");

    public static readonly DiagnosticDescriptor GenericNetwork = Create(
        "BPG009",
        "Network class must not be generic",
        "Network class '{0}' is generic, but a network's shape and element type are fixed by its attribute: remove the type parameters");

    public static readonly DiagnosticDescriptor StaticNetwork = Create(
        "BPG010",
        "Network class must not be static",
        "Network class '{0}' is static, but a network holds its parameters in instances: remove 'static'");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "BPG011",
        "Types containing a network must be partial",
        "Network class '{0}' is nested in '{1}', which is not partial: declare '{1}' as 'partial' too");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Create(
        "BPG012",
        "Network too large to generate",
        "Network '{0}' is too large to generate: {1}; the limits are " +
        string.Format(CultureInfo.InvariantCulture, "{0} weight layers, {1:N0} units per layer and {2:N0} parameters", MaxWeightLayers, MaxLayerSize, MaxParameterCount));

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Create(
        "BPG013",
        "Undefined activation or loss value",
        "Network '{0}' uses the value {2}, which is not a defined {1}: use one of the named {1} members");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Create(
        "BPG014",
        "Weights file not found",
        "Network '{0}' takes its weights from '{1}', but no AdditionalFiles item has that name: add <AdditionalFiles Include=\"{1}\" /> to the project file");

    public static readonly DiagnosticDescriptor WeightsFileInvalid = Create(
        "BPG015",
        "Weights file cannot be read",
        "Network '{0}' takes its weights from '{1}', which cannot be read: {2}");

    public static readonly DiagnosticDescriptor WeightsDoNotFit = Create(
        "BPG016",
        "Weights file does not fit the network",
        "Network '{0}' takes its weights from '{1}', which does not fit it: {2}; save the weights of this network shape, or change the declaration");

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
