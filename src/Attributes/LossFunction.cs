namespace Backprop;

/// <summary>
/// The training objective of a network. Every loss sums over output units and averages over the <c>m</c> examples
/// (rows) of a batch; the exact formulas are listed in <c>docs/math.md</c>.
/// </summary>
public enum LossFunction
{
    /// <summary><c>(1/m) * sum_ij (P_ij - Y_ij)^2</c>: PyTorch's <c>MSELoss(reduction='sum') / m</c>.</summary>
    MeanSquaredError = 0,

    /// <summary>
    /// <c>-(1/m) * sum_ij [Y log P + (1 - Y) log(1 - P)]</c>. Requires a <see cref="Activation.Sigmoid"/> output layer;
    /// computed from the logits, so it is finite for every finite input.
    /// </summary>
    BinaryCrossEntropy = 1,

    /// <summary>
    /// <c>-(1/m) * sum_ij Y_ij log P_ij</c> with <c>Y</c> one-hot (or a distribution per row). Requires a
    /// <see cref="Activation.Softmax"/> output layer; computed from the logits with log-sum-exp.
    /// </summary>
    CrossEntropy = 2,
}
