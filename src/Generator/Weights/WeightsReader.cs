using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Backprop.Generator.Diagnostics;
using Backprop.Serialization;

namespace Backprop.Generator.Weights;

/// <summary>
/// Reads build-time weights for a network: finds the encoded file by name, parses it with the runtime's safetensors
/// parser, and checks metadata, names, shapes and values by the runtime's <see cref="SafetensorsConventions"/>, as
/// <c>Safetensors.Load</c> does; an <c>.onnx</c> file goes to <see cref="OnnxWeights"/>. Shared by the generator and the
/// analyzer so that they agree.
/// </summary>
internal static class WeightsReader
{
    public static WeightsResult Read(string weightsName, IEnumerable<EncodedWeightsFile> files, IReadOnlyList<int> layers, IReadOnlyList<Activation> activations, LossFunction loss, bool bias, bool single)
    {
        string wanted = System.IO.Path.GetFileName(weightsName);
        EncodedWeightsFile? file = files.FirstOrDefault(candidate => string.Equals(candidate.FileName, wanted, StringComparison.OrdinalIgnoreCase));
        if (file is null)
        {
            return WeightsResult.Failure(DiagnosticDescriptors.WeightsFileNotFound, wanted);
        }

        byte[] bytes;
        SafetensorsFile parsed;
        try
        {
            bytes = Convert.FromBase64String(file.Base64.Trim());
            if (file.FileName.EndsWith(OnnxWeights.Extension, StringComparison.OrdinalIgnoreCase))
            {
                return CheckRange(OnnxWeights.Read(bytes, layers, activations, loss, bias, single), single);
            }

            parsed = SafetensorsFile.Parse(bytes);
        }
        catch (FormatException exception)
        {
            return WeightsResult.Failure(DiagnosticDescriptors.WeightsFileInvalid, exception.Message);
        }

        string? mismatch = SafetensorsConventions.Mismatch(parsed.Metadata, SafetensorsConventions.Metadata(layers, activations, loss, bias, single));
        return mismatch is not null ? WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, mismatch) : ReadParameters(bytes, parsed, layers, bias, single);
    }

    private static WeightsResult ReadParameters(byte[] bytes, SafetensorsFile file, IReadOnlyList<int> layers, bool bias, bool single)
    {
        var byName = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (SafetensorsTensor tensor in file.Tensors)
        {
            byName[tensor.Name] = tensor;
        }

        var parameters = new List<double>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int layer = 0; layer < layers.Count - 1; layer++)
        {
            int fanIn = layers[layer];
            int fanOut = layers[layer + 1];
            string? problem = Take(byName, SafetensorsConventions.WeightName(layer), SafetensorsConventions.WeightShape(fanIn, fanOut), used, out SafetensorsTensor? weight);
            if (problem is not null)
            {
                return WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, problem);
            }

            var weights = new double[fanIn * fanOut];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[SafetensorsConventions.ParameterIndex(i, fanIn, fanOut)] = ReadValue(bytes, file, weight!, i);
            }

            parameters.AddRange(weights);
            if (bias)
            {
                problem = Take(byName, SafetensorsConventions.BiasName(layer), SafetensorsConventions.BiasShape(fanOut), used, out SafetensorsTensor? biases);
                if (problem is not null)
                {
                    return WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, problem);
                }

                for (int j = 0; j < fanOut; j++)
                {
                    parameters.Add(ReadValue(bytes, file, biases!, j));
                }
            }
        }

        string[] unused = file.Tensors.Select(tensor => tensor.Name).Where(name => !used.Contains(name)).ToArray();
        if (unused.Length > 0)
        {
            return WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, $"the file has tensors the network does not use: {string.Join(", ", unused)}");
        }

        int bad = parameters.FindIndex(value => double.IsNaN(value) || double.IsInfinity(value));
        return bad >= 0
            ? WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, $"parameter {bad} is not finite")
            : CheckRange(WeightsResult.Success(parameters.ToArray()), single);
    }

    // A double value beyond float's range would become infinity in a float network (as the runtime loaders refuse it).
    private static WeightsResult CheckRange(WeightsResult result, bool single)
    {
        double[]? parameters = result.Parameters;
        int overflow = single && parameters is not null ? Array.FindIndex(parameters, value => float.IsInfinity((float)value)) : -1;
        return overflow >= 0
            ? WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, string.Format(CultureInfo.InvariantCulture, "parameter {0} ({1:R}) is beyond the range of float", overflow, parameters![overflow]))
            : result;
    }

    private static string? Take(Dictionary<string, SafetensorsTensor> byName, string name, long[] shape, HashSet<string> used, out SafetensorsTensor? tensor)
    {
        if (!byName.TryGetValue(name, out tensor))
        {
            return $"tensor '{name}' is not in the file, which has: {string.Join(", ", byName.Keys)}";
        }

        used.Add(name);
        return tensor.Shape.SequenceEqual(shape)
            ? null
            : $"tensor '{name}' has shape {tensor.ShapeText}, but the network needs [{SafetensorsFile.JoinShape(shape)}]";
    }

    private static double ReadValue(byte[] bytes, SafetensorsFile file, SafetensorsTensor tensor, int index)
    {
        int size = SafetensorsConventions.ElementSize(tensor.DType);
        return SafetensorsConventions.ReadElement(tensor.DType, new ReadOnlySpan<byte>(bytes, (int)(file.DataStart + tensor.Begin + ((long)index * size)), size));
    }
}
