using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Backprop.Serialization;

namespace Backprop;

/// <summary>
/// How the tensors of a safetensors file map to a network's layers. Weights are stored as PyTorch's
/// <c>nn.Linear.weight</c>, shape <c>[n(l), n(l-1)]</c> (the transpose of <c>W[l]</c>), and biases as <c>[n(l)]</c>.
/// </summary>
public sealed partial class SafetensorsNames
{
    private readonly Func<SafetensorsFile, NetworkArchitecture, string, (string Weight, string Bias)[]> _resolve;

    private SafetensorsNames(Func<SafetensorsFile, NetworkArchitecture, string, (string Weight, string Bias)[]> resolve) => _resolve = resolve;

    /// <summary>This project's names, <c>layers.{i}.weight</c> and <c>layers.{i}.bias</c> with <c>i</c> from 0.</summary>
    public static SafetensorsNames Default { get; } = new((_, architecture, _) =>
        Enumerable.Range(0, architecture.WeightLayerCount).Select(i => (SafetensorsConventions.WeightName(i), SafetensorsConventions.BiasName(i))).ToArray());

    /// <summary>
    /// The two-dimensional tensors are the layers' weights in the order of their names, with numbers compared by value
    /// (<c>0.weight</c>, <c>2.weight</c>, <c>10.weight</c>), which is layer order for an <c>nn.Sequential</c> state dict
    /// and for names such as <c>fc1</c>, <c>fc2</c>. Each weight <c>X.weight</c> takes <c>X.bias</c> as its bias.
    /// </summary>
    public static SafetensorsNames InOrder { get; } = new(ResolveInOrder);

    /// <summary>Layer <c>i</c> reads <c>{prefixes[i]}.weight</c> and <c>{prefixes[i]}.bias</c>.</summary>
    /// <param name="prefixes">One name prefix per weight layer, in layer order (for example <c>"0", "2", "4"</c>).</param>
    /// <returns>The mapping.</returns>
    public static SafetensorsNames FromPrefixes(params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        string[] copy = (string[])prefixes.Clone();
        return new SafetensorsNames((file, architecture, path) =>
        {
            if (copy.Length < architecture.WeightLayerCount)
            {
                throw new ModelFileException(path, $"{copy.Length} name prefixes were given for {architecture.WeightLayerCount} weight layers.");
            }

            return Enumerable.Range(0, architecture.WeightLayerCount).Select(i => (SafetensorsConventions.WeightOf(copy[i]), SafetensorsConventions.BiasOf(copy[i]))).ToArray();
        });
    }

    internal (string Weight, string Bias)[] Resolve(SafetensorsFile file, NetworkArchitecture architecture, string path) => _resolve(file, architecture, path);

    private static (string Weight, string Bias)[] ResolveInOrder(SafetensorsFile file, NetworkArchitecture architecture, string path)
    {
        string[] weights = file.Tensors.Where(tensor => tensor.Shape.Length == 2).Select(tensor => tensor.Name).OrderBy(name => name, NaturalOrder.Instance).ToArray();
        if (weights.Length != architecture.WeightLayerCount)
        {
            throw new ModelFileException(path, $"the file has {weights.Length} two-dimensional tensors ({string.Join(", ", weights)}), but the network has {architecture.WeightLayerCount} weight layers.");
        }

        return weights.Select(name => (name, name.EndsWith("weight", StringComparison.Ordinal) ? name[..^"weight".Length] + "bias" : name + ".bias")).ToArray();
    }

    // Compares names piece by piece, digit runs by numeric value: "layers.2" < "layers.10".
    private sealed partial class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            string[] left = Pieces().Split(x ?? string.Empty);
            string[] right = Pieces().Split(y ?? string.Empty);
            for (int i = 0; i < Math.Min(left.Length, right.Length); i++)
            {
                int order = ulong.TryParse(left[i], out ulong a) && ulong.TryParse(right[i], out ulong b)
                    ? a.CompareTo(b)
                    : string.CompareOrdinal(left[i], right[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return left.Length.CompareTo(right.Length);
        }

        [GeneratedRegex("([0-9]+)")]
        private static partial Regex Pieces();
    }
}
