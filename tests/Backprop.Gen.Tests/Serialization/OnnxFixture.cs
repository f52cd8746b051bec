using System;
using System.Text.Json.Serialization;

namespace Backprop.Tests;

/// <summary>
/// What each Fixtures/Onnx/*.json holds (written by make_onnx.py beside the model torch.onnx.export wrote): the
/// declaration the model loads into, how it was exported, input rows and PyTorch's outputs for them.
/// </summary>
internal sealed class OnnxFixture
{
    [JsonPropertyName("layers")] public int[] Layers { get; set; } = Array.Empty<int>();
    [JsonPropertyName("activations")] public string[] Activations { get; set; } = Array.Empty<string>();
    [JsonPropertyName("graph_activations")] public string[] GraphActivations { get; set; } = Array.Empty<string>();
    [JsonPropertyName("loss")] public string Loss { get; set; } = "";
    [JsonPropertyName("bias")] public bool Bias { get; set; }
    [JsonPropertyName("element_type")] public string ElementType { get; set; } = "";
    [JsonPropertyName("form")] public string Form { get; set; } = "";
    [JsonPropertyName("rows")] public int Rows { get; set; }
    [JsonPropertyName("inputs")] public double[] Inputs { get; set; } = Array.Empty<double>();
    [JsonPropertyName("outputs")] public double[] Outputs { get; set; } = Array.Empty<double>();

    public static OnnxFixture Load(string name) => FixtureFiles.ReadJson<OnnxFixture>("Onnx", name + ".json");

    public static string ModelPath(string name) => FixtureFiles.PathOf("Onnx", name + ".onnx");
}
