using System;
using System.Collections.Generic;
using Backprop.Generator.Diagnostics;
using Backprop.Serialization;
using Backprop.Serialization.OnnxFormat;

namespace Backprop.Generator.Weights;

/// <summary>
/// Build-time weights from an ONNX model, read by the runtime's own <see cref="OnnxModelReader"/> (so a file that
/// <c>Onnx.Load</c> accepts bakes in, and one it refuses is a compile error with the same message). Kept apart from
/// <see cref="WeightsReader"/> so that Google.Protobuf, which ships beside the generator, loads only for ONNX files.
/// </summary>
internal static class OnnxWeights
{
    public const string Extension = ".onnx";

    public static WeightsResult Read(byte[] bytes, IReadOnlyList<int> layers, IReadOnlyList<Activation> activations, LossFunction loss, bool bias, bool single)
    {
        ModelProto model;
        try
        {
            model = OnnxModelReader.Parse(bytes);
        }
        catch (FormatException exception)
        {
            return WeightsResult.Failure(DiagnosticDescriptors.WeightsFileInvalid, exception.Message);
        }

        try
        {
            return WeightsResult.Success(OnnxModelReader.Parameters(model, layers, activations, loss, bias, single));
        }
        catch (FormatException exception)
        {
            return WeightsResult.Failure(DiagnosticDescriptors.WeightsDoNotFit, exception.Message);
        }
    }
}
