using System;
using System.Buffers.Binary;
using System.Numerics;
using Backprop.Serialization.OnnxFormat;
using Google.Protobuf;

namespace Backprop.Serialization;

/// <summary>
/// Builds the ONNX model of a network: one <c>Gemm</c> per layer with the weights as stored here (<c>[in, out]</c>,
/// <c>transB = 0</c>, so no transpose) and the biases as <c>C</c>, then the activation's node; the declaration in
/// <c>metadata_props</c> with the keys of safetensors files, so that loading can refuse a file of another network.
/// </summary>
internal static class OnnxModelWriter
{
    public static ModelProto Write<T>(INetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkArchitecture architecture = network.Architecture;
        ReadOnlySpan<T> parameters = network.Parameters;
        bool single = typeof(T) == typeof(float);
        int elementType = OnnxConventions.ElementType(single);
        int layers = architecture.WeightLayerCount;
        var graph = new GraphProto { Name = architecture.ToString() };
        graph.Input.Add(Value(OnnxConventions.InputName, elementType, architecture.LayerSizes[0]));
        graph.Output.Add(Value(OnnxConventions.OutputName, elementType, architecture.LayerSizes[layers]));
        string current = OnnxConventions.InputName;
        for (int layer = 0; layer < layers; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            string prefix = OnnxConventions.LayerName(layer);
            string? activation = OnnxConventions.Operator(architecture.Activations[layer]);
            bool last = layer == layers - 1;
            var gemm = new NodeProto { Name = prefix + ".linear", OpType = OnnxConventions.Gemm, Input = { current, OnnxConventions.WeightName(layer) } };
            graph.Initializer.Add(Tensor(OnnxConventions.WeightName(layer), elementType, parameters.Slice(architecture.WeightOffset(layer), fanIn * fanOut), fanIn, fanOut));
            if (architecture.HasBias)
            {
                gemm.Input.Add(OnnxConventions.BiasName(layer));
                graph.Initializer.Add(Tensor(OnnxConventions.BiasName(layer), elementType, parameters.Slice(architecture.BiasOffset(layer), fanOut), fanOut));
            }

            current = last && activation is null ? OnnxConventions.OutputName : prefix + ".linear";
            gemm.Output.Add(current);
            graph.Node.Add(gemm);
            if (activation is not null)
            {
                var node = new NodeProto { Name = prefix + "." + activation, OpType = activation, Input = { current } };
                if (architecture.Activations[layer] == Activation.LeakyReLU)
                {
                    node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = OnnxConventions.LeakyReluSlope });
                }
                else if (architecture.Activations[layer] == Activation.Softmax)
                {
                    node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                }

                current = last ? OnnxConventions.OutputName : prefix + ".output";
                node.Output.Add(current);
                graph.Node.Add(node);
            }
        }

        var model = new ModelProto
        {
            IrVersion = OnnxConventions.IrVersion,
            ProducerName = OnnxConventions.ProducerName,
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = string.Empty, Version = OnnxConventions.Opset } },
        };
        foreach (var entry in SafetensorsConventions.Metadata(architecture.LayerSizes.ToArray(), architecture.Activations.ToArray(), architecture.Loss, architecture.HasBias, single))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = entry.Key, Value = entry.Value });
        }

        return model;
    }

    /// <summary>A tensor value of the graph (input or output): <c>[batch, width]</c>, the batch dimension symbolic.</summary>
    private static ValueInfoProto Value(string name, int elementType, int width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = elementType,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = OnnxConventions.BatchDimension },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };

    /// <summary>An initializer holding <paramref name="values"/> little-endian in <c>raw_data</c>, as every exporter writes them.</summary>
    private static TensorProto Tensor<T>(string name, int elementType, ReadOnlySpan<T> values, params long[] dims)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = typeof(T) == typeof(float) ? 4 : 8;
        byte[] raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (size == 4)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), float.CreateTruncating(values[i]));
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), double.CreateTruncating(values[i]));
            }
        }

        var tensor = new TensorProto { Name = name, DataType = elementType, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}
