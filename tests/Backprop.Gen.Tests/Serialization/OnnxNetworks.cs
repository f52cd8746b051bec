using Backprop;

namespace Backprop.Tests;

// The networks the ONNX fixtures (Fixtures/Onnx, exported by make_onnx.py) load into, one per fixture.

[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid })]
public partial class OnnxReluSigmoid { }

[Network(Layers = new[] { 5, 7, 6, 4 }, Activations = new[] { Activation.Tanh, Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class OnnxTanhLeakySoftmax { }

[Network(Layers = new[] { 4, 8, 3 }, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class OnnxLogitsAsSoftmax { }

[Network(Layers = new[] { 4, 5, 1 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
public partial class OnnxLogitsAsSigmoid { }

[Network(Layers = new[] { 4, 6, 2 }, Activations = new[] { Activation.ReLU, Activation.Identity }, Bias = false)]
public partial class OnnxNoBias { }

[Network(Layers = new[] { 6, 5, 3 }, Activations = new[] { Activation.LeakyReLU, Activation.Tanh })]
public partial class OnnxFlattenDropout { }

[Network(Layers = new[] { 4, 6, 3 }, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, ElementType = typeof(double))]
public partial class OnnxDouble { }

[Network(Layers = new[] { 4, 6, 5, 2 }, Activations = new[] { Activation.ReLU, Activation.Sigmoid, Activation.Identity })]
public partial class OnnxMatMulAdd { }

[Network(Layers = new[] { 3, 4, 2 }, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Bias = false, ElementType = typeof(double))]
public partial class OnnxMatMulNoBiasDouble { }

// Every activation, saved here and run by ONNX Runtime: float and double.
[Network(Layers = new[] { 5, 9, 8, 7, 6, 3 }, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.LeakyReLU, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
public partial class OnnxEveryActivation { }

[Network(Layers = new[] { 5, 9, 8, 7, 6, 3 }, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.LeakyReLU, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
public partial class OnnxEveryActivationDouble { }

[Network(Layers = new[] { 5, 9, 8, 7, 3 }, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, ElementType = typeof(double))]
public partial class OnnxDoubleForOnnxRuntime { }

[Network(Layers = new[] { 6, 4, 2 }, Activations = new[] { Activation.Tanh, Activation.Identity }, Bias = false)]
public partial class OnnxSavedNoBias { }
