using Backprop;

namespace Backprop.Tests
{
    // Networks declared for the tests: every activation in hidden and output position, every loss, bias on and off,
    // float and double, and a network whose batches span several row blocks. Every test that needs "a network" takes
    // one of these, and NetworkCases.cs lists each of them (its shape written a second time by hand, on purpose) for
    // the tests that run over all of them; a network that more than one test file uses belongs here.
    //
    // Declared next to their tests instead, because each belongs to that test's data and to no other test:
    // - PyTorchParityTests.cs (Pt*), PyTorchTrajectoryTests.cs (Traj*), PyTorchInteropTests.cs (Interop*): the networks
    //   the fixture files were computed with, whose shapes must match the Python script named there;
    // - EmbeddedWeightsTests.cs (Embedded*): the networks whose Weights name Fixtures/Weights/embedded.safetensors, and
    //   their twin without weights;
    // - GradientDescentTests.cs (XorTestNet): sized for the XOR truth table that test trains on.

    [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
    public partial class TinyNet { }

    [Network(Layers = new[] { 8, 4, 1 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, ElementType = typeof(double))]
    public partial class TinyNetDouble { }

    [Network(Layers = new[] { 6, 10, 5 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class SoftmaxNet { }

    [Network(Layers = new[] { 6, 10, 5 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
    public partial class SoftmaxNetDouble { }

    [Network(Layers = new[] { 5, 7, 3 }, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class BinaryNet { }

    [Network(Layers = new[] { 5, 7, 3 }, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, ElementType = typeof(double))]
    public partial class BinaryNetDouble { }

    [Network(Layers = new[] { 4, 9, 8, 3 }, Activations = new[] { Activation.Sigmoid, Activation.ReLU, Activation.Identity }, Bias = false)]
    public partial class NoBiasNet { }

    [Network(Layers = new[] { 4, 9, 8, 3 }, Activations = new[] { Activation.Sigmoid, Activation.ReLU, Activation.Identity }, Bias = false, ElementType = typeof(double))]
    public partial class NoBiasNetDouble { }

    [Network(Layers = new[] { 7, 12, 11, 10, 9, 2 }, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Identity })]
    public partial class DeepNet { }

    [Network(Layers = new[] { 7, 12, 11, 10, 9, 2 }, Activations = new[] { Activation.ReLU, Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Identity }, ElementType = typeof(double))]
    public partial class DeepNetDouble { }

    [Network(Layers = new[] { 3, 5, 4 }, Activations = new[] { Activation.Identity, Activation.Softmax })]
    public partial class SoftmaxSquaredErrorNet { }

    [Network(Layers = new[] { 3, 5, 4 }, Activations = new[] { Activation.Identity, Activation.Softmax }, ElementType = typeof(double))]
    public partial class SoftmaxSquaredErrorNetDouble { }

    [Network(Layers = new[] { 2, 3, 1 }, Activations = new[] { Activation.Tanh, Activation.Tanh })]
    public partial class TanhOutputNet { }

    [Network(Layers = new[] { 2, 3, 2 }, Activations = new[] { Activation.Sigmoid, Activation.LeakyReLU }, ElementType = typeof(double))]
    public partial class LeakyOutputNetDouble { }

    [Network(Layers = new[] { 2, 3, 2 }, Activations = new[] { Activation.Sigmoid, Activation.ReLU }, ElementType = typeof(double))]
    public partial class ReluOutputNetDouble { }

    // Wide enough that a block holds few rows (48), so batches of 150 rows run through several blocks.
    [Network(Layers = new[] { 300, 200, 100, 10 }, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class WideNet { }

    [Network(Layers = new[] { 300, 200, 100, 10 }, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
    public partial class WideNetDouble { }

    public static partial class Outer
    {
        public static partial class Middle
        {
            // Nested in a static, partial class: the generated code re-declares the containing types.
            [Network(Layers = new[] { 3, 2 }, Activations = new[] { Activation.Identity })]
            public partial class NestedNet { }
        }
    }
}

// A network in the global namespace.
[Network(Layers = new[] { 2, 2 }, Activations = new[] { Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class GlobalNet { }
