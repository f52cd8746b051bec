using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generator.Model;
using Backprop.Kernels;

namespace Backprop.Generator.Planning;

/// <summary>
/// Everything about a network that follows from its spec, computed once before any code is written: the parameter
/// layout (<see cref="ParameterLayout"/>), the rows per block and the workspace layout of one block, the FLOP counts,
/// and each layer's kernels (<see cref="KernelRules"/>). The emitters only read it.
/// </summary>
internal sealed class NetworkPlan
{
    // The activations of one block of rows should stay in the L2 cache next to a layer's weights: 256 KB of float
    // values, half of a typical 512 KB per-core L2. Larger blocks also stream each weight matrix (and dW) fewer times.
    private const int WorkspaceBudgetElements = 65536;
    private const int MaxBlockRows = 256;

    // Wide networks get at least this many rows per block even past the budget: each block streams every weight matrix
    // (and dW) once, and with 2048-wide layers the budget alone left 4 rows, so W6's 33 MB of weights streamed 64 times
    // per 256-row gradient. 48 rows took W6 from 727 to 264 ms (WideNetworkBenchmark); the workspace stays bounded,
    // 2.4 MB for W6.
    private const int MinBlockRows = 48;

    // A network with packed products (KernelRules.Packs) copies each wide W once per block, so its blocks take a whole
    // minibatch of up to this many rows: W6's 256-row gradient is one block, its three 16 MB copies then 5 % of the step
    // against 30 % in 48-row blocks (WideNetworkBenchmark). The workspace stays bounded: 14 MB for W6.
    private const int PackedBlockRows = 288;

    // A fused network keeps only its outputs (and logits) per row in the workspace, so its blocks can be long; the lane
    // sums of the gradient are then added up once per 1024 rows.
    private const int FusedBlockRows = 1024;

    public NetworkPlan(NetworkSpec spec)
    {
        Spec = spec;
        ReadOnlySpan<int> sizes = spec.Layers.AsSpan();
        int weightLayers = sizes.Length - 1;
        MaxWidth = spec.Layers.Skip(1).Max();
        Fused = KernelRules.Fuses(sizes, spec.Activations.AsSpan(), spec.Loss, spec.ElementType == ElementKind.Single);
        bool packs = Enumerable.Range(1, weightLayers).Any(l => KernelRules.Packs(spec.Layers[l - 1], spec.Layers[l], spec.ElementType == ElementKind.Single));
        BlockRows = Fused ? FusedBlockRows : ChooseBlockRows(spec, MaxWidth, packs);
        FusedInRegisters = Fused && spec.Layers.Skip(1).Sum() <= KernelRules.MaxRegisterUnits;

        var layers = new List<LayerPlan>();
        int workspace = 0;
        for (int l = 1; l <= weightLayers; l++)
        {
            Activation activation = spec.Activations[l - 1];
            int zOffset = workspace;
            int aOffset = workspace;
            if (!Fused)
            {
                workspace += BlockRows * sizes[l];
                aOffset = activation == Activation.Identity ? zOffset : workspace;
                workspace += activation == Activation.Identity ? 0 : BlockRows * sizes[l];
            }
            else if (l == weightLayers)
            {
                // Only the outputs, then the logits when the loss reads them, for the block's loss.
                aOffset = 0;
                zOffset = UsesLogits(spec.Loss) ? BlockRows * sizes[l] : 0;
                workspace = (UsesLogits(spec.Loss) ? 2 : 1) * BlockRows * sizes[l];
            }

            layers.Add(new LayerPlan(
                index: l,
                fanIn: sizes[l - 1],
                fanOut: sizes[l],
                activation,
                weightOffset: ParameterLayout.WeightOffset(sizes, spec.Bias, l - 1),
                biasOffset: ParameterLayout.BiasOffset(sizes, spec.Bias, l - 1),
                zOffset,
                aOffset,
                deltaBuffer: (weightLayers - l) % 2,
                Fused ? KernelRules.Fused(l, activation)
                    : KernelRules.Choose(l, sizes[l - 1], sizes[l], activation, spec.ElementType == ElementKind.Single, BlockRows)));
        }

        Layers = layers;
        ParameterCount = (int)ParameterLayout.ParameterCount(sizes, spec.Bias);
        PackOffset = workspace;
        PackLength = layers.SelectMany(PackLengths).DefaultIfEmpty(0).Max();
        ForwardPacks = layers.Any(layer => layer.Kernels.Forward == ProductKernel.Packed);
        ForwardWorkspaceLength = workspace + (ForwardPacks ? PackLength : 0);
        GradientWorkspaceLength = Fused ? workspace : workspace + PackLength + (2 * BlockRows * MaxWidth);
        ForwardFlops = ParameterLayout.ForwardFlops(sizes);
        TrainingFlops = ParameterLayout.TrainingFlops(sizes);
    }

    public NetworkSpec Spec { get; }

    /// <summary>
    /// Whether the network runs as one fused kernel (<see cref="KernelRules.Fuses"/>): every layer's products are
    /// <see cref="ProductKernel.Fused"/>, and a block's workspace holds only its outputs and, for the cross-entropies,
    /// its logits.
    /// </summary>
    public bool Fused { get; }

    /// <summary>
    /// Whether a fused network keeps each unit's value in a local of its own rather than a layer's values in a span
    /// (<see cref="KernelRules.MaxRegisterUnits"/>).
    /// </summary>
    public bool FusedInRegisters { get; }

    /// <summary>Whether the loss is computed from the output layer's Z (the cross-entropies) rather than from A.</summary>
    public bool LossUsesLogits => UsesLogits(Spec.Loss);

    public IReadOnlyList<LayerPlan> Layers { get; }

    public LayerPlan Output => Layers[Layers.Count - 1];

    public int InputSize => Layers[0].FanIn;

    public int OutputSize => Output.FanOut;

    public int ParameterCount { get; }

    public int MaxWidth { get; }

    /// <summary>The most rows in one block of a batch.</summary>
    public int BlockRows { get; }

    public int ForwardWorkspaceLength { get; }

    public int GradientWorkspaceLength { get; }

    /// <summary>Where the room for the packed products' panels starts: right after every layer's Z and A.</summary>
    public int PackOffset { get; }

    /// <summary>
    /// Room for the packed panels of the largest <see cref="ProductKernel.Packed"/> product (<c>KernelGeometry.PackLength</c>);
    /// 0 when no product is packed. The two gradient buffers follow it.
    /// </summary>
    public int PackLength { get; }

    /// <summary>Whether a forward product is packed, so that the forward pass's workspace includes the pack.</summary>
    public bool ForwardPacks { get; }

    /// <summary>Forward FLOPs per example (<see cref="ParameterLayout.ForwardFlops"/>).</summary>
    public long ForwardFlops { get; }

    /// <summary>Training FLOPs per example (<see cref="ParameterLayout.TrainingFlops"/>).</summary>
    public long TrainingFlops { get; }

    /// <summary>Whether any layer's forward product runs in lanes, so that the forward pass needs the lane row count.</summary>
    public bool ForwardUsesLanes => Layers.Any(layer => layer.Kernels.Forward == ProductKernel.Lanes);

    /// <summary>Whether any layer's backward products run in lanes.</summary>
    public bool BackwardUsesLanes => Layers.Any(layer => layer.Kernels.WeightGradient == ProductKernel.Lanes);

    /// <summary>The shape as text: <c>8 -> 4 (ReLU) -> 1 (Sigmoid)</c>.</summary>
    public string DescribeShape() => ParameterLayout.DescribeShape(Spec.Layers.AsSpan(), Spec.Activations.AsSpan());

    public const string PackOffsetName = "PackOffset";

    public const string PackLengthName = "PackLength";

    public static string DeltaOffsetName(int buffer) => "GradientBuffer" + buffer + "Offset";

    private static bool UsesLogits(LossFunction loss) => loss != LossFunction.MeanSquaredError;

    // The pack each of a layer's packed products needs: Z and dW have fanOut columns (dW packs A^T too), dA fanIn.
    private static IEnumerable<int> PackLengths(LayerPlan layer)
    {
        if (layer.Kernels.Forward == ProductKernel.Packed)
        {
            yield return KernelGeometry.PackLength(layer.FanOut, transposedA: false);
        }

        if (layer.Kernels.WeightGradient == ProductKernel.Packed)
        {
            yield return KernelGeometry.PackLength(layer.FanOut, transposedA: true);
        }

        if (layer.Kernels.InputGradient == ProductKernel.Packed)
        {
            yield return KernelGeometry.PackLength(layer.FanIn, transposedA: false);
        }
    }

    // As many rows as fit the budget with every layer's Z and A and the two gradient buffers, rounded down to whole
    // groups of rows for the kernels, which run rows left over one at a time (KernelGeometry).
    private static int ChooseBlockRows(NetworkSpec spec, int maxWidth, bool packs)
    {
        int perRow = spec.Layers.Skip(1).Zip(spec.Activations, (width, activation) => width * (activation == Activation.Identity ? 1 : 2)).Sum() + (2 * maxWidth);
        int blockRows = Math.Max(packs ? PackedBlockRows : MinBlockRows, Math.Min(MaxBlockRows, WorkspaceBudgetElements / perRow));
        return blockRows >= KernelGeometry.RowGroup ? blockRows - (blockRows % KernelGeometry.RowGroup)
            : blockRows >= KernelGeometry.SmallRowGroup ? blockRows - (blockRows % KernelGeometry.SmallRowGroup)
            : blockRows;
    }
}
