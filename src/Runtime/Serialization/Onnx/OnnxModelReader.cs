using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Backprop.Serialization.OnnxFormat;
using Google.Protobuf;

namespace Backprop.Serialization;

/// <summary>
/// Turns the bytes of an ONNX model into a declared network's parameters in the layout of docs/math.md, or a
/// <see cref="FormatException"/> that says which node or tensor does not fit and why. Compiled into the runtime
/// (<c>Onnx.Load</c>) and the generator (build-time weights) alike, so it takes the declaration as plain values and
/// sticks to what .NET Standard 2.0 offers.
/// </summary>
internal static class OnnxModelReader
{
    /// <summary>Parses the bytes of an ONNX model; a <see cref="FormatException"/> when they are not one.</summary>
    public static ModelProto Parse(byte[] bytes)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new FormatException("the file is not a valid ONNX model (protobuf): " + exception.Message.TrimEnd('.'), exception);
        }
    }

    /// <summary>
    /// The parameters <c>[W1, b1, W2, b2, ...]</c> of the network <paramref name="model"/> holds, checked against the
    /// declaration; a <see cref="FormatException"/> that names the node when it does not fit.
    /// </summary>
    public static double[] Parameters(ModelProto model, IReadOnlyList<int> layers, IReadOnlyList<Activation> activations, LossFunction loss, bool bias, bool single)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in model.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }

        string? mismatch = SafetensorsConventions.Mismatch(metadata, SafetensorsConventions.Metadata(layers, activations, loss, bias, single));
        if (mismatch is not null)
        {
            throw new FormatException(mismatch);
        }

        List<OnnxDenseLayer> chain = OnnxChain.Read(model);
        if (chain.Count != activations.Count)
        {
            throw new FormatException(FormattableString.Invariant(
                $"the graph has {chain.Count} dense layers, but the network declares {activations.Count} ({ShapeText(layers)})"));
        }

        var parameters = new double[checked((int)ParameterLayout.ParameterCount(layers.ToArray(), bias))];
        int offset = 0;
        for (int layer = 0; layer < chain.Count; layer++)
        {
            OnnxDenseLayer found = chain[layer];
            int fanIn = layers[layer];
            int fanOut = layers[layer + 1];
            CheckActivation(found, layer, activations, loss);
            long[] shape = found.OutByIn ? new long[] { fanOut, fanIn } : new long[] { fanIn, fanOut };
            if (!found.Weight.Dims.SequenceEqual(shape))
            {
                throw new FormatException(
                    $"{found.Node}: weights '{found.Weight.Name}' have shape [{string.Join(", ", found.Weight.Dims)}], but layer {layer} " +
                    $"({fanIn} -> {fanOut}) needs [{string.Join(", ", shape)}] ({(found.OutByIn ? "transB = 1: [out, in]" : "[in, out]")})");
            }

            double[] weights = Values(found.Weight, fanIn * fanOut, found.Node);
            for (int i = 0; i < weights.Length; i++)
            {
                // [out, in] file value (j, k) is W[l] value (k, j), as in safetensors files.
                parameters[offset + (found.OutByIn ? SafetensorsConventions.ParameterIndex(i, fanIn, fanOut) : i)] = weights[i];
            }

            offset += weights.Length;
            if (bias != (found.Bias is not null))
            {
                throw new FormatException(bias
                    ? $"{found.Node} has no biases, but the network is declared with them: declare Bias = false, or export the layer with its biases"
                    : $"{found.Node} has biases, but the network is declared with Bias = false");
            }

            if (found.Bias is { } biases)
            {
                if (!(biases.Dims.SequenceEqual(new long[] { fanOut }) || biases.Dims.SequenceEqual(new long[] { 1, fanOut })))
                {
                    throw new FormatException(FormattableString.Invariant(
                        $"{found.Node}: biases '{biases.Name}' have shape [{string.Join(", ", biases.Dims)}], but layer {layer} needs [{fanOut}]"));
                }

                Values(biases, fanOut, found.Node).CopyTo(parameters, offset);
                offset += fanOut;
            }
        }

        return parameters;
    }

    private static void CheckActivation(OnnxDenseLayer found, int layer, IReadOnlyList<Activation> activations, LossFunction loss)
    {
        Activation declared = activations[layer];
        bool last = layer == activations.Count - 1;
        bool logits = last && found.Activation == Activation.Identity &&
            ((declared == Activation.Softmax && loss == LossFunction.CrossEntropy) || (declared == Activation.Sigmoid && loss == LossFunction.BinaryCrossEntropy));
        if (found.Activation != declared && !logits)
        {
            throw new FormatException(
                $"layer {layer} ({found.Node}) is followed by {(found.Activation == Activation.Identity ? "no activation" : found.Activation.ToString())}, but the network declares {declared}");
        }
    }

    /// <summary>The <paramref name="count"/> values of a tensor whose shape was checked, from <c>raw_data</c> or its typed field.</summary>
    private static double[] Values(TensorProto tensor, int count, string node)
    {
        string name = $"{node}: tensor '{tensor.Name}'";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw new FormatException($"{name} is stored in an external file, which is not supported: export with the data inside the model (save_as_external_data = False)");
        }

        if (tensor.Segment is not null)
        {
            throw new FormatException($"{name} is stored in segments, which is not supported");
        }

        string dtype = OnnxConventions.DType(tensor.DataType)
            ?? throw new FormatException($"{name} has element type {OnnxConventions.DataTypeName(tensor.DataType)}, but parameters must be FLOAT, DOUBLE, FLOAT16 or BFLOAT16");
        var values = new double[count];
        if (tensor.HasRawData)
        {
            int size = SafetensorsConventions.ElementSize(dtype);
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            if (raw.Length != (long)count * size)
            {
                throw new FormatException(FormattableString.Invariant($"{name} holds {raw.Length} bytes, but {count} values of {dtype} take {(long)count * size}"));
            }

            for (int i = 0; i < count; i++)
            {
                values[i] = SafetensorsConventions.ReadElement(dtype, raw.Slice(i * size, size));
            }
        }
        else
        {
            int stored = dtype switch
            {
                SafetensorsConventions.F32 => tensor.FloatData.Count,
                SafetensorsConventions.F64 => tensor.DoubleData.Count,
                _ => tensor.Int32Data.Count, // 16-bit floats: the bits of each value in an int32.
            };
            if (stored != count)
            {
                throw new FormatException(FormattableString.Invariant($"{name} holds {stored} values, but its shape needs {count}"));
            }

            Span<byte> bits = stackalloc byte[2];
            for (int i = 0; i < count; i++)
            {
                if (dtype == SafetensorsConventions.F32)
                {
                    values[i] = tensor.FloatData[i];
                }
                else if (dtype == SafetensorsConventions.F64)
                {
                    values[i] = tensor.DoubleData[i];
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bits, unchecked((ushort)tensor.Int32Data[i]));
                    values[i] = SafetensorsConventions.ReadElement(dtype, bits);
                }
            }
        }

        int bad = Array.FindIndex(values, value => double.IsNaN(value) || double.IsInfinity(value));
        return bad < 0 ? values : throw new FormatException(FormattableString.Invariant($"{name} holds a value that is not finite at index {bad}"));
    }

    private static string ShapeText(IReadOnlyList<int> layers) => string.Join("-", layers);
}
