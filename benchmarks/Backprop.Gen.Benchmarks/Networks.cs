using Backprop;

namespace Backprop.Benchmarks;

/// <summary>8-4-1: the smallest useful network; threading can only lose here.</summary>
[Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class TinyBenchNet { }

/// <summary>64-32-16-1, Tanh: a small network.</summary>
[Network(Layers = new[] { 64, 32, 16, 1 }, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity })]
public partial class SmallBenchNet { }

/// <summary>784-128-64-10, ReLU: MNIST-shaped.</summary>
[Network(Layers = new[] { 784, 128, 64, 10 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Identity })]
public partial class MediumBenchNet { }

/// <summary>W1: 8-4-1, ReLU hidden, Sigmoid output, MSE.</summary>
[Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class W1Net { }

/// <summary>W2: 64-32-16-1, Tanh hidden, Identity output.</summary>
[Network(Layers = new[] { 64, 32, 16, 1 }, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity })]
public partial class W2Net { }

/// <summary>W3: 784-128-64-10, ReLU hidden, Identity output.</summary>
[Network(Layers = new[] { 784, 128, 64, 10 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Identity })]
public partial class W3Net { }

/// <summary>W5, the SimpleChains.jl benchmark: 4-32-16-4, Tanh, Tanh, Identity.</summary>
[Network(Layers = new[] { 4, 32, 16, 4 }, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity })]
public partial class W5Net { }

/// <summary>W6: 2048-2048-2048-10, ReLU, ReLU, softmax with cross-entropy: wide layers whose weights (33 MB) pass L2.</summary>
[Network(Layers = new[] { 2048, 2048, 2048, 10 }, Activations = new[] { Activation.ReLU, Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class W6Net { }
