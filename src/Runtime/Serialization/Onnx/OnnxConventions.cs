using System.Globalization;
using Backprop.Serialization.OnnxFormat;

namespace Backprop.Serialization;

/// <summary>
/// How this project's networks live in an ONNX model, in one place for <c>Onnx.Save</c> and <c>Onnx.Load</c>: the operator
/// names, the opset and IR version written, the element types, the node and tensor names of saved models, and the
/// activations' ONNX operators with their attributes (LeakyReLU's slope is the contract's 0.01, docs/math.md).
/// Compiled into the runtime and the generator alike.
/// </summary>
internal static class OnnxConventions
{
    /// <summary>The opset saved models import: 13 is the first with <c>Softmax</c> over the last axis alone.</summary>
    public const long Opset = 13;

    /// <summary>The IR version that goes with <see cref="Opset"/> (IR 7 covers opsets 12 and 13).</summary>
    public const long IrVersion = 7;

    public const string ProducerName = "Backprop.Gen";

    /// <summary>The name of a saved model's input, whose first dimension (the rows) is <see cref="BatchDimension"/>.</summary>
    public const string InputName = "input";

    public const string OutputName = "output";

    public const string BatchDimension = "batch";

    // Operators of a dense chain.
    public const string Gemm = "Gemm";

    public const string MatMul = "MatMul";

    public const string Add = "Add";

    public const string Relu = "Relu";

    public const string Sigmoid = "Sigmoid";

    public const string Tanh = "Tanh";

    public const string LeakyRelu = "LeakyRelu";

    public const string Softmax = "Softmax";

    // Nodes that pass their input through at inference and are skipped.
    public const string Identity = "Identity";

    public const string Dropout = "Dropout";

    public const string Flatten = "Flatten";

    /// <summary>LeakyReLU's slope for negative inputs, the contract's (docs/math.md).</summary>
    public const float LeakyReluSlope = 0.01f;

    /// <summary>The element type of a network's tensors (<see cref="TensorProto.Types.DataType"/>).</summary>
    public static int ElementType(bool single) => (int)(single ? TensorProto.Types.DataType.Float : TensorProto.Types.DataType.Double);

    /// <summary>
    /// The safetensors dtype whose little-endian decoding (<see cref="SafetensorsConventions.ReadElement"/>) reads a tensor
    /// of <paramref name="dataType"/> from <c>raw_data</c>, or <see langword="null"/> for a type that cannot hold parameters.
    /// </summary>
    public static string? DType(int dataType) => (TensorProto.Types.DataType)dataType switch
    {
        TensorProto.Types.DataType.Float => SafetensorsConventions.F32,
        TensorProto.Types.DataType.Double => SafetensorsConventions.F64,
        TensorProto.Types.DataType.Float16 => SafetensorsConventions.F16,
        TensorProto.Types.DataType.Bfloat16 => SafetensorsConventions.BF16,
        _ => null,
    };

    /// <summary>A data type's name as ONNX spells it, for messages.</summary>
    public static string DataTypeName(int dataType) =>
        System.Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant()
            : dataType.ToString(CultureInfo.InvariantCulture);

    /// <summary>The operator of an activation, or <see langword="null"/> for <see cref="Activation.Identity"/> (no node).</summary>
    public static string? Operator(Activation activation) => activation switch
    {
        Activation.ReLU => Relu,
        Activation.Sigmoid => Sigmoid,
        Activation.Tanh => Tanh,
        Activation.LeakyReLU => LeakyRelu,
        Activation.Softmax => Softmax,
        _ => null,
    };

    /// <summary>The activation an operator computes, or <see langword="null"/> when it is not an activation.</summary>
    public static Activation? ActivationOf(string op) => op switch
    {
        Relu => Activation.ReLU,
        Sigmoid => Activation.Sigmoid,
        Tanh => Activation.Tanh,
        LeakyRelu => Activation.LeakyReLU,
        Softmax => Activation.Softmax,
        _ => null,
    };

    // The names of a saved model's initializers and nodes: the tensors as in safetensors files.
    public static string WeightName(int layer) => SafetensorsConventions.WeightName(layer);

    public static string BiasName(int layer) => SafetensorsConventions.BiasName(layer);

    public static string LayerName(int layer) => "layers." + layer.ToString(CultureInfo.InvariantCulture);
}
