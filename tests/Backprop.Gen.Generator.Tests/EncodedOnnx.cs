extern alias generator;

using System;
using System.Buffers.Binary;
using generator::Backprop.Serialization.OnnxFormat;
using Google.Protobuf;
using Microsoft.CodeAnalysis;

namespace Backprop.Generator.Tests;

/// <summary>
/// Build-time ONNX weights as the generator receives them (<c>model.onnx.b64</c>), built with the generator's own copy
/// of the ONNX message classes.
/// </summary>
internal static class EncodedOnnx
{
    /// <summary>The additional text for <paramref name="file"/>, as a network declared with <c>Weights = "model.onnx"</c> reads it.</summary>
    public static AdditionalText Encode(byte[] file) => new InMemoryAdditionalText("obj/backprop/model.onnx.b64", Convert.ToBase64String(file));

    /// <summary>
    /// A 2 -> 3 -> 1 Gemm chain as PyTorch exports it (<c>transB = 1</c>, so weights <c>[out, in]</c>), with
    /// <paramref name="hidden"/> and Sigmoid after the layers: value i of its initializers, in the order of
    /// <see cref="EncodedWeights.Tiny"/>'s file, is <paramref name="values"/>(i), so both files hold the same parameters.
    /// </summary>
    public static byte[] Tiny(Func<int, double> values, string hidden = "Tanh")
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        int next = 0;
        TensorProto Tensor(string name, params long[] dims)
        {
            int count = (int)(dims.Length == 1 ? dims[0] : dims[0] * dims[1]);
            byte[] raw = new byte[count * 4];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), (float)values(next++));
            }

            var tensor = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(raw) };
            tensor.Dims.Add(dims);
            graph.Initializer.Add(tensor);
            return tensor;
        }

        Tensor("w0", 3, 2);
        Tensor("b0", 3);
        Tensor("w1", 1, 3);
        Tensor("b1", 1);
        var transB = new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int };
        graph.Node.Add(new NodeProto { Name = "fc0", OpType = "Gemm", Input = { "x", "w0", "b0" }, Output = { "h0" }, Attribute = { transB } });
        graph.Node.Add(new NodeProto { Name = "act0", OpType = hidden, Input = { "h0" }, Output = { "a0" } });
        graph.Node.Add(new NodeProto { Name = "fc1", OpType = "Gemm", Input = { "a0", "w1", "b1" }, Output = { "h1" }, Attribute = { transB.Clone() } });
        graph.Node.Add(new NodeProto { Name = "act1", OpType = "Sigmoid", Input = { "h1" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 7, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } };
        return model.ToByteArray();
    }
}
