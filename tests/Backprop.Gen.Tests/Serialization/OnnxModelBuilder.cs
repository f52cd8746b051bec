using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Backprop.Serialization.OnnxFormat;
using Google.Protobuf;

namespace Backprop.Tests;

/// <summary>
/// Hand-built ONNX models for the forms and faults that exporters rarely write (typed data fields, float16, transB = 0,
/// biases of shape [1, n], unsupported nodes): a chain of dense layers whose nodes and tensors a test can then edit.
/// </summary>
internal sealed class OnnxModelBuilder
{
    public ModelProto Model { get; } = new()
    {
        IrVersion = 7,
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
        Graph = new GraphProto { Name = "test" },
    };

    public GraphProto Graph => Model.Graph;

    /// <summary>The 4-6-3 ReLU/Sigmoid chain of <see cref="OnnxReluSigmoid"/> as PyTorch exports it (Gemm, transB = 1), with weights w(i) = i/64 - 0.2 and biases b(j) = 0.01 j.</summary>
    public static OnnxModelBuilder ReluSigmoid() => new OnnxModelBuilder()
        .Input("x", 4)
        .Gemm("fc0", "x", "h0", FloatTensor("w0", new long[] { 6, 4 }, Weights(24)), FloatTensor("b0", new long[] { 6 }, Biases(6)), transB: 1)
        .Node("relu", "Relu", "h0", "a0")
        .Gemm("fc1", "a0", "h1", FloatTensor("w1", new long[] { 3, 6 }, Weights(18)), FloatTensor("b1", new long[] { 3 }, Biases(3)), transB: 1)
        .Node("sigmoid", "Sigmoid", "h1", "y")
        .Output("y", 3);

    public static float[] Weights(int count) => Enumerable.Range(0, count).Select(i => (i / 64f) - 0.2f).ToArray();

    public static float[] Biases(int count) => Enumerable.Range(0, count).Select(j => 0.01f * j).ToArray();

    /// <summary>The parameters <see cref="ReluSigmoid"/> holds, in this project's layout ([in, out] weights).</summary>
    public static float[] ReluSigmoidParameters()
    {
        var parameters = new List<float>();
        parameters.AddRange(Transpose(Weights(24), 6, 4));
        parameters.AddRange(Biases(6));
        parameters.AddRange(Transpose(Weights(18), 3, 6));
        parameters.AddRange(Biases(3));
        return parameters.ToArray();
    }

    /// <summary>A [rows, columns] row-major matrix as [columns, rows].</summary>
    public static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    public static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        byte[] raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        return Tensor(name, dims, TensorProto.Types.DataType.Float, raw);
    }

    public static TensorProto Tensor(string name, long[] dims, TensorProto.Types.DataType type, byte[] raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    public OnnxModelBuilder Input(string name, int width)
    {
        Graph.Input.Add(Value(name, width));
        return this;
    }

    public OnnxModelBuilder Output(string name, int width)
    {
        Graph.Output.Add(Value(name, width));
        return this;
    }

    public OnnxModelBuilder Gemm(string name, string input, string output, TensorProto weight, TensorProto? bias, int transB)
    {
        var node = Node(name, "Gemm", input, output).Graph.Node[^1];
        node.Input.Add(weight.Name);
        Graph.Initializer.Add(weight);
        if (bias is not null)
        {
            node.Input.Add(bias.Name);
            Graph.Initializer.Add(bias);
        }

        node.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = transB });
        return this;
    }

    public OnnxModelBuilder Node(string name, string op, string input, string output, params AttributeProto[] attributes)
    {
        Graph.Node.Add(new NodeProto { Name = name, OpType = op, Input = { input }, Output = { output }, Attribute = { attributes } });
        return this;
    }

    public NodeProto NodeNamed(string name) => Graph.Node.Single(node => node.Name == name);

    public TensorProto TensorNamed(string name) => Graph.Initializer.Single(tensor => tensor.Name == name);

    /// <summary>Applies <paramref name="edit"/> to the model and returns this builder.</summary>
    public OnnxModelBuilder With(Action<OnnxModelBuilder> edit)
    {
        edit(this);
        return this;
    }

    public byte[] Build() => Model.ToByteArray();

    private static ValueInfoProto Value(string name, int width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = 1,
                Shape = new TensorShapeProto
                {
                    Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" }, new TensorShapeProto.Types.Dimension { DimValue = width } },
                },
            },
        },
    };
}
