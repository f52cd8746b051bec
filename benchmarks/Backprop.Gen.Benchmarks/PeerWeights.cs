using System;

namespace Backprop.Benchmarks;

/// <summary>
/// The weights every inference peer uses (<c>benchmarks/peers/export_onnx.py</c> for ONNX Runtime,
/// <c>benchmarks/peers/w4b_predict.c</c> for the C loop): a rule of small integers that Python, C and C# evaluate in
/// double and round to the same floats, so that no weight file has to travel with the models.
/// </summary>
internal static class PeerWeights
{
    /// <summary>Sets <c>W[l][k, j] = ((7k + 13j + 5l) mod 17 - 8) / (8 sqrt(n_in))</c> and <c>b[l][j] = ((3j + l) mod 5 - 2) / 100</c>.</summary>
    public static void Apply(INetwork<float> network)
    {
        NetworkArchitecture architecture = network.Architecture;
        Span<float> parameters = network.Parameters;
        for (int layer = 0; layer < architecture.WeightLayerCount; layer++)
        {
            int fanIn = architecture.LayerSizes[layer];
            int fanOut = architecture.LayerSizes[layer + 1];
            for (int k = 0; k < fanIn; k++)
            {
                for (int j = 0; j < fanOut; j++)
                {
                    parameters[architecture.WeightOffset(layer) + (k * fanOut) + j] =
                        (float)((((7 * k) + (13 * j) + (5 * layer)) % 17 - 8) / (8.0 * Math.Sqrt(fanIn)));
                }
            }

            for (int j = 0; j < fanOut; j++)
            {
                parameters[architecture.BiasOffset(layer) + j] = (float)((((3 * j) + layer) % 5 - 2) / 100.0);
            }
        }
    }
}
