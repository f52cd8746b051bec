using Backprop.Kernels;

namespace Backprop.Generator.Planning;

/// <summary>
/// The one place that decides how each layer is computed, from its constant shape. Every rule names the benchmark in
/// <c>benchmarks/</c> that backs it; a new kernel form is a new <see cref="ProductKernel"/> value, a rule here, and a case
/// in the emitter that switches on it.
/// </summary>
internal static class KernelRules
{
    /// <summary>
    /// Layers with at most this many weights are unrolled into straight-line code: they are narrower than a vector, so a
    /// TensorPrimitives call per input costs more in call overhead than the arithmetic it does (LayerKernelBenchmark).
    /// Float layers this small also run eight rows at a time in vector lanes (LayerKernelBenchmark, 0.50x for 8 -> 4).
    /// </summary>
    public const int MaxUnrolledWeights = 64;

    /// <summary>
    /// Layers with fewer outputs than a vector (a classifier's 2-7 classes) stay unrolled up to this many weights: the
    /// per-row form would make one TensorPrimitives call per input for a handful of values, 424 ns per example for
    /// 64-32-3 (docs/performance.md).
    /// </summary>
    public const int MaxNarrowUnrolledWeights = 256;

    /// <summary>
    /// Float layers with at least this many outputs (one vector) use the register-blocked products, 6 rows x 16 or x 8
    /// columns in registers (<see cref="KernelGeometry.MinBlockedColumns"/>, shared with the trainer).
    /// </summary>
    public const int MinBlockedColumns = KernelGeometry.MinBlockedColumns;

    /// <summary>
    /// The input gradient <c>dZ W^T</c> packs W^T once per block, a copy of W, so only networks whose blocks hold at least
    /// this many rows pack it; smaller blocks take a dot product per input per row (InputGradientKernelBenchmark).
    /// </summary>
    public const int MinPackingBlockRows = 32;

    /// <summary>
    /// Float layers with at least this many weights (1 MB) compute <c>Z = A W</c> and <c>dW = A^T dZ</c> as packed products:
    /// read in place, a wide W or A steps through memory a whole row at a time and loses the L1 cache (59 % of the FMA
    /// limit at 2048 x 2048 against 90 % packed); below it the copy costs more than it saves (PackedProductBenchmark).
    /// </summary>
    public const int MinPackedWeights = 1 << 18;

    /// <summary>Whether a layer's forward product and weight gradient are packed products (<see cref="MinPackedWeights"/>).</summary>
    /// <param name="fanIn">The layer's inputs.</param>
    /// <param name="fanOut">The layer's outputs.</param>
    /// <param name="single">Whether the network is float.</param>
    public static bool Packs(int fanIn, int fanOut, bool single) =>
        single && fanOut >= MinBlockedColumns && (long)fanIn * fanOut >= MinPackedWeights;

    /// <summary>
    /// Float networks whose every width, the inputs' included, is at most this run as one fused kernel: each of a tile's
    /// values then fits the registers and L1 as one vector (docs/performance.md, "Fused kernels").
    /// </summary>
    public const int MaxFusedWidth = 64;

    /// <summary>
    /// The most weights of a fused network. Its kernel is unrolled per weight, three times (forward, dW, dA), and a method
    /// much larger than this passes the JIT's size limits, past which it is compiled without optimization
    /// (docs/performance.md, "Fused kernels").
    /// </summary>
    public const int MaxFusedWeights = 400;

    /// <summary>
    /// Fused networks with at most this many units (the widths of every weight layer, summed) keep each unit's value in a
    /// local of its own, in registers as far as they go; larger ones keep a layer's values in a span on the stack, so that
    /// the kernel's locals stay few enough for the JIT to inline the element functions (docs/performance.md, "Fused kernels").
    /// </summary>
    public const int MaxRegisterUnits = 16;

    /// <summary>
    /// Whether the whole network runs as one fused kernel (<see cref="ProductKernel.Fused"/>): float, narrow and small
    /// enough (<see cref="MaxFusedWidth"/>, <see cref="MaxFusedWeights"/>), and a Softmax output only under
    /// cross-entropy, whose fused derivative needs no Jacobian.
    /// </summary>
    /// <param name="sizes">The layer sizes, inputs first.</param>
    /// <param name="activations">The activation of each weight layer.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="single">Whether the network is float.</param>
    public static bool Fuses(System.ReadOnlySpan<int> sizes, System.ReadOnlySpan<Activation> activations, LossFunction loss, bool single)
    {
        int weights = 0;
        for (int l = 0; l < sizes.Length; l++)
        {
            if (sizes[l] > MaxFusedWidth)
            {
                return false;
            }

            weights += l > 0 ? sizes[l - 1] * sizes[l] : 0;
        }

        for (int l = 0; l < activations.Length - 1; l++)
        {
            if (activations[l] == Activation.Softmax)
            {
                return false;
            }
        }

        bool softmaxOutput = activations[activations.Length - 1] == Activation.Softmax;
        return single && weights <= MaxFusedWeights && (!softmaxOutput || loss == LossFunction.CrossEntropy);
    }

    /// <summary>The kernels of weight layer <paramref name="index"/> of a fused network.</summary>
    /// <param name="index">The layer's 1-based index; layer 1 needs no input gradient.</param>
    /// <param name="activation">The layer's activation.</param>
    public static KernelChoice Fused(int index, Activation activation) => new(
        Forward: ProductKernel.Fused,
        WeightGradient: ProductKernel.Fused,
        InputGradient: index == 1 ? ProductKernel.None : ProductKernel.Fused,
        Activation: activation == Activation.Identity ? ActivationKernel.None : ActivationKernel.InTile);

    /// <summary>Chooses the kernels of weight layer <paramref name="index"/> (1-based) of a network.</summary>
    /// <param name="index">The layer's 1-based index; layer 1 needs no input gradient.</param>
    /// <param name="fanIn">The layer's inputs.</param>
    /// <param name="fanOut">The layer's outputs.</param>
    /// <param name="activation">The layer's activation.</param>
    /// <param name="single">Whether the network is float (the hand-vectorized kernels are float only).</param>
    /// <param name="blockRows">The network's rows per block.</param>
    public static KernelChoice Choose(int index, int fanIn, int fanOut, Activation activation, bool single, int blockRows)
    {
        int weights = fanIn * fanOut;
        bool unrolled = weights <= MaxUnrolledWeights || (fanOut < MinBlockedColumns && weights <= MaxNarrowUnrolledWeights);
        ProductKernel small = single ? ProductKernel.Lanes : ProductKernel.Unrolled;
        ProductKernel rowWise = unrolled ? small : single && fanOut >= MinBlockedColumns ? ProductKernel.Blocked : ProductKernel.PerRow;
        ProductKernel wide = !unrolled && Packs(fanIn, fanOut, single) ? ProductKernel.Packed : rowWise;

        // dA = dZ W^T is a product with fanIn columns: packed against W^T when those columns fill a vector and the
        // blocks are large enough to pay for the packing; otherwise a dot product per input per row, beside dW.
        bool packsTranspose = single && !unrolled && index > 1 && fanOut > 1 && fanIn >= MinBlockedColumns &&
            blockRows >= MinPackingBlockRows;
        ProductKernel inputGradient = index == 1 ? ProductKernel.None
            : packsTranspose ? ProductKernel.Packed
            : rowWise == ProductKernel.Blocked ? ProductKernel.PerRow
            : rowWise;

        return new KernelChoice(
            Forward: wide,
            WeightGradient: wide,
            InputGradient: inputGradient,
            Activation: activation == Activation.Identity ? ActivationKernel.None : ActivationKernel.CallPerBlock);
    }
}
