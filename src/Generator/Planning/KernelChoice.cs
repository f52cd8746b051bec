namespace Backprop.Generator.Planning;

/// <summary>How one of a layer's three matrix products is computed for a block of rows.</summary>
internal enum ProductKernel
{
    /// <summary>Not computed: the first layer's input gradient (inputs need no gradient).</summary>
    None,

    /// <summary>Straight-line scalar code, one row at a time, every index a constant.</summary>
    Unrolled,

    /// <summary>
    /// Eight rows per tile with the rows in the lanes of 256-bit vectors (<c>LaneKernels</c>), the same sums in the same
    /// order as <see cref="Unrolled"/>, which takes the rows left over (and every row without 256-bit vector hardware).
    /// </summary>
    Lanes,

    /// <summary>A TensorPrimitives call per row: <c>MultiplyAdd</c> per input, or <c>Dot</c> for a single column.</summary>
    PerRow,

    /// <summary>One register-blocked product over the block's rows (<c>DenseKernels</c>).</summary>
    Blocked,

    /// <summary>
    /// The packed product (<c>DenseKernels.Packed*</c>): the blocked product over panels of B packed into the workspace,
    /// blocked over the inner dimension and the columns as well as the rows, so that wide layers keep their speed; for
    /// the input gradient <c>dZ W^T</c>, the packing transposes W.
    /// </summary>
    Packed,

    /// <summary>
    /// Part of the network's fused kernel: a tile of eight rows, one per vector lane, goes through every layer in registers
    /// (<see cref="NetworkPlan.Fused"/>), the rows left over one at a time with the same operations.
    /// </summary>
    Fused,
}

/// <summary>How a layer's activation (and its derivative) is computed for a block of rows.</summary>
internal enum ActivationKernel
{
    /// <summary>Identity: A is Z and dZ is dA, nothing to compute.</summary>
    None,

    /// <summary>One <c>ActivationKernels</c> call over the block.</summary>
    CallPerBlock,

    /// <summary>Computed in the fused kernel's registers, lane by lane (<c>LaneMath</c>).</summary>
    InTile,
}

/// <summary>
/// The kernels chosen for one layer, decided once by <see cref="KernelRules"/>: the emitters switch on these values,
/// the workspace is sized from them, and the tests read them to prove that every form ran.
/// </summary>
/// <param name="Forward">How <c>Z = A_prev W + b</c> is computed.</param>
/// <param name="WeightGradient">How <c>dW += A_prev^T dZ</c> (and <c>db</c>) is computed.</param>
/// <param name="InputGradient">How <c>dA_prev = dZ W^T</c> is computed.</param>
/// <param name="Activation">How the activation and its derivative are computed.</param>
internal sealed record KernelChoice(ProductKernel Forward, ProductKernel WeightGradient, ProductKernel InputGradient, ActivationKernel Activation);
