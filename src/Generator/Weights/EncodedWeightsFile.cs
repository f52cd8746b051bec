namespace Backprop.Generator.Weights;

/// <summary>
/// A weights file (safetensors or ONNX) as the compiler hands it to the generator: base64 text, written next to the
/// build output by Backprop.Gen.targets from each <c>*.safetensors</c> and <c>*.onnx</c> AdditionalFiles item (the
/// compiler refuses binary additional files). Compares by value, so an unchanged file leaves the pipeline cached.
/// </summary>
/// <param name="FileName">The original file name, for example <c>model.safetensors</c>.</param>
/// <param name="Base64">The file's bytes, base64-encoded.</param>
internal sealed record EncodedWeightsFile(string FileName, string Base64)
{
    public const string Suffix = ".b64";

    /// <summary>The original file name for an encoded file's path, or null when the path is not an encoded weights file.</summary>
    public static string? OriginalName(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        return name.EndsWith(".safetensors" + Suffix, System.StringComparison.OrdinalIgnoreCase) || name.EndsWith(OnnxWeights.Extension + Suffix, System.StringComparison.OrdinalIgnoreCase)
            ? name.Substring(0, name.Length - Suffix.Length)
            : null;
    }
}
