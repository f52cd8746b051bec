using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generator.Model;
using Backprop.Kernels;

namespace Backprop.Generator.Emitter;

/// <summary>One weight layer with every size and offset the emitted code uses as a constant.</summary>
internal sealed class LayerPlan
{
    public int Index { get; set; }

    public int FanIn { get; set; }

    public int FanOut { get; set; }

    public Activation Activation { get; set; }

    public bool IsOutput { get; set; }

    public int WeightOffset { get; set; }

    public int BiasOffset { get; set; }

    /// <summary>Offset of this layer's pre-activations Z in a block's workspace.</summary>
    public int ZOffset { get; set; }

    /// <summary>Offset of the activations A; equal to <see cref="ZOffset"/> for Identity, whose A is Z.</summary>
    public int AOffset { get; set; }

    /// <summary>Which of the two gradient buffers holds this layer's dZ during the backward pass.</summary>
    public int DeltaBuffer { get; set; }

    public int WeightCount => FanIn * FanOut;

    // Suffixes name the constants and locals of a layer: W1Offset, z1, dz1, ...
    public string W => "w" + Index;

    public string B => "b" + Index;

    public string Z => "z" + Index;

    public string A => "a" + Index;

    public string DZ => "dz" + Index;

    public string Describe() => $"Layer {Index}: {FanIn} -> {FanOut}, {Activation}";
}

/// <summary>
/// The shape-dependent numbers of a network, computed once from its spec: parameter layout (math.md), the workspace
/// layout of one block of rows, and FLOP counts.
/// </summary>
internal sealed class NetworkPlan
{
    // The activations of one block of rows should stay in the L2 cache next to a layer's weights: 256 KB of float
    // values, half of a typical 512 KB per-core L2. Larger blocks also stream each weight matrix (and dW) fewer times.
    private const int WorkspaceBudgetElements = 65536;
    private const int MaxBlockRows = 256;

    // Blocks hold whole groups of rows for the kernels, which run leftover rows one at a time (KernelGeometry).
    private const int RowGroup = KernelGeometry.RowGroup;
    private const int SmallRowGroup = KernelGeometry.SmallRowGroup;

    public NetworkPlan(NetworkSpec spec)
    {
        Spec = spec;
        Element = spec.ElementType == ElementKind.Single ? ElementTypeSyntax.Single : ElementTypeSyntax.Double;
        int[] sizes = spec.Layers.AsSpan().ToArray();
        var layers = new List<LayerPlan>();
        for (int l = 1; l < sizes.Length; l++)
        {
            var layer = new LayerPlan
            {
                Index = l,
                FanIn = sizes[l - 1],
                FanOut = sizes[l],
                Activation = spec.Activations[l - 1],
                IsOutput = l == sizes.Length - 1,
                WeightOffset = ParameterLayout.WeightOffset(sizes, spec.Bias, l - 1),
                BiasOffset = ParameterLayout.BiasOffset(sizes, spec.Bias, l - 1),
                DeltaBuffer = (sizes.Length - 1 - l) % 2,
            };
            layers.Add(layer);
        }

        Layers = layers;
        ParameterCount = (int)ParameterLayout.ParameterCount(sizes, spec.Bias);
        MaxWidth = layers.Max(layer => layer.FanOut);

        int perRow = layers.Sum(layer => layer.FanOut * (layer.Activation == Activation.Identity ? 1 : 2)) + (2 * MaxWidth);
        int blockRows = Math.Max(1, Math.Min(MaxBlockRows, WorkspaceBudgetElements / perRow));

        BlockRows = blockRows >= RowGroup ? blockRows - (blockRows % RowGroup)
            : blockRows >= SmallRowGroup ? blockRows - (blockRows % SmallRowGroup)
            : blockRows;

        int workspace = 0;
        foreach (LayerPlan layer in layers)
        {
            layer.ZOffset = workspace;
            workspace += BlockRows * layer.FanOut;
            layer.AOffset = layer.Activation == Activation.Identity ? layer.ZOffset : workspace;
            workspace += layer.Activation == Activation.Identity ? 0 : BlockRows * layer.FanOut;
        }

        ForwardWorkspaceLength = workspace;
        TransposedWeightsLength = layers.Where(layer => LayerKernels.TransposesWeights(layer, Element == ElementTypeSyntax.Single, BlockRows))
            .Select(layer => layer.WeightCount)
            .DefaultIfEmpty(0)
            .Max();
        GradientWorkspaceLength = workspace + (2 * BlockRows * MaxWidth) + TransposedWeightsLength;
        ForwardFlops = ParameterLayout.ForwardFlops(sizes);
        TrainingFlops = ParameterLayout.TrainingFlops(sizes);
    }

    public NetworkSpec Spec { get; }

    public ElementTypeSyntax Element { get; }

    public IReadOnlyList<LayerPlan> Layers { get; }

    public LayerPlan Output => Layers[Layers.Count - 1];

    public int InputSize => Layers[0].FanIn;

    public int OutputSize => Output.FanOut;

    public int ParameterCount { get; }

    public int MaxWidth { get; }

    public int BlockRows { get; }

    public int ForwardWorkspaceLength { get; }

    public int GradientWorkspaceLength { get; }

    /// <summary>
    /// Room after the two gradient buffers for one layer's <c>W^T</c>, for the layers whose <c>dA = dZ W^T</c> runs as a
    /// blocked product (<see cref="LayerKernels.TransposesWeights"/>); 0 when no layer does.
    /// </summary>
    public int TransposedWeightsLength { get; }

    /// <summary>Forward FLOPs per example, <c>2 * sum(n_in * n_out)</c> (multiply-adds of the layer products).</summary>
    public long ForwardFlops { get; }

    /// <summary>Training FLOPs per example: forward, dW and dA products, without the unneeded dA of the inputs.</summary>
    public long TrainingFlops { get; }

    /// <summary>The shape as text: <c>8 -> 4 (ReLU) -> 1 (Sigmoid)</c>.</summary>
    public string DescribeShape() => ParameterLayout.DescribeShape(Spec.Layers.AsSpan(), Spec.Activations.AsSpan());

    public const string TransposedWeightsOffsetName = "TransposedWeightsOffset";

    public static string DeltaOffsetName(int buffer) => "GradientBuffer" + buffer + "Offset";
}
