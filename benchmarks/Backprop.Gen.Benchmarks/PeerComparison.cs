using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Backprop.Benchmarks;

/// <summary>
/// Prints our workload figures next to the peers' (PyTorch, NumPy, C) from <c>benchmarks/peers/results.json</c>, which
/// <c>benchmarks/peers/run_peers.py</c> writes, as ratios ours / peer (for W4, peer time / our time: how many times
/// faster). Peers are optional: without the file nothing is printed but a hint.
/// </summary>
internal static class PeerComparison
{
    private static readonly Dictionary<string, string> PeerWorkloads = new()
    {
        ["W1_Tiny_8_4_1"] = "W1 8-4-1",
        ["W2_Small_64_32_16_1"] = "W2 64-32-16-1",
        ["W3_Medium_784_128_64_10"] = "W3 784-128-64-10",
        ["W3_Medium_OpenThreads"] = "W3 784-128-64-10",
        ["W5_SimpleChains_4_32_16_4"] = "W5 4-32-16-4",
        ["W6_Wide_2048_2048_2048_10"] = "W6 2048-2048-2048-10",
        ["W4_Predict_8_4_1"] = "W4 8-4-1",
        ["W4_Predict_784_128_64_10"] = "W4 784-128-64-10",
    };

    /// <summary>Prints the side-by-side table for our measured rows: (workload, threads, ns per example or call).</summary>
    public static void Print(IReadOnlyList<(string Workload, string Threads, double Nanoseconds)> ours)
    {
        if (ours.Count == 0)
        {
            return;
        }

        string? path = FindResults();
        if (path is null)
        {
            Console.WriteLine("No peer results (benchmarks/peers/results.json): run /usr/bin/python3 benchmarks/peers/run_peers.py first for ratios.");
            return;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var peers = document.RootElement.GetProperty("results").EnumerateArray()
            .Select(result => (
                Workload: result.GetProperty("workload").GetString() ?? string.Empty,
                Peer: result.GetProperty("peer").GetString() ?? string.Empty,
                Threads: result.GetProperty("threads").GetInt32(),
                ExamplesPerSecond: Number(result, "examples_per_second"),
                Nanoseconds: Number(result, "ns_per_call")))
            .ToList();

        Console.WriteLine($"Against the peers in {path} (their medians; measured at another time, so read the ratios with the noise in mind):");
        Console.WriteLine("| workload | our threads | ours | peer | peer threads | peer figure | ours / peer |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach ((string workload, string threads, double ns) in ours)
        {
            if (!PeerWorkloads.TryGetValue(workload, out string? peerWorkload))
            {
                continue;
            }

            bool latency = workload.StartsWith("W4", StringComparison.Ordinal);
            foreach (var peer in peers.Where(p => p.Workload == peerWorkload))
            {
                string line = latency && peer.Nanoseconds is { } peerNs
                    ? string.Create(CultureInfo.InvariantCulture, $"| {workload} | {threads} | {ns:N1} ns | {peer.Peer} | {peer.Threads} | {peerNs:N1} ns | {peerNs / ns:F2}x |")
                    : !latency && peer.ExamplesPerSecond is { } peerRate
                        ? string.Create(CultureInfo.InvariantCulture, $"| {workload} | {threads} | {1e9 / ns:N0} ex/s | {peer.Peer} | {peer.Threads} | {peerRate:N0} ex/s | {1e9 / ns / peerRate:F2}x |")
                        : string.Empty;
                if (line.Length > 0)
                {
                    Console.WriteLine(line);
                }
            }
        }
    }

    private static double? Number(JsonElement result, string name) =>
        result.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    // The results file of the repository this is run from (dotnet run keeps the caller's working directory).
    private static string? FindResults()
    {
        for (DirectoryInfo? folder = new(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "benchmarks", "peers", "results.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
