namespace Backprop;

/// <summary>
/// The elementwise (or, for <see cref="Softmax"/>, row-wise) function a layer applies to its pre-activations
/// <c>Z = A * W + b</c>. The exact formulas and derivatives are listed in <c>docs/math.md</c>.
/// </summary>
public enum Activation
{
    /// <summary><c>g(z) = z</c>. The usual choice for a regression output.</summary>
    Identity = 0,

    /// <summary><c>g(z) = 1 / (1 + e^-z)</c>. Pair it with <see cref="LossFunction.BinaryCrossEntropy"/> on the output layer.</summary>
    Sigmoid = 1,

    /// <summary><c>g(z) = tanh z</c>.</summary>
    Tanh = 2,

    /// <summary><c>g(z) = max(0, z)</c>, with derivative 0 at <c>z = 0</c> (as PyTorch). Weights use He initialization.</summary>
    ReLU = 3,

    /// <summary><c>g(z) = z</c> for <c>z &gt; 0</c>, otherwise <c>0.01 z</c>. Weights use He initialization.</summary>
    LeakyReLU = 4,

    /// <summary>
    /// <c>g(z)_j = e^z_j / sum_k e^z_k</c> over each row, computed with the row maximum subtracted.
    /// Allowed on the output layer only; pair it with <see cref="LossFunction.CrossEntropy"/>.
    /// </summary>
    Softmax = 5,
}
