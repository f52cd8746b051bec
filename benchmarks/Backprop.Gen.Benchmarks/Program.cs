using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Backprop.Benchmarks;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Quick run (a few minutes): dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --job short --filter '*Workload*' '*MachineLimit*'
// Full run:                  dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --filter '*'
// Threading crossover:       dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --filter '*Threads*'
// W6, the wide network:      dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --filter '*WideNetwork*'
// The generator's own cost:  dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --job short --filter '*GeneratorCost*'
// W3 on 1 and 2 threads and the FMA limit in alternating blocks of one process (SideBySide.cs):
//                            dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --side-by-side
if (args is ["--side-by-side"])
{
    SideBySide.Run();
    return;
}

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(WorkloadBenchmarks).Assembly).Run(args);
PrintRates(summaries.SelectMany(summary => summary.Reports).ToList());

// Examples per second and GFLOP/s from the per-example means, next to the machine limit measured in the same run.
static void PrintRates(List<BenchmarkReport> reports)
{
    var flopsPerExample = new Dictionary<string, long>
    {
        ["W1_Tiny_8_4_1"] = new W1Net().Architecture.TrainingFlops,
        ["W2_Small_64_32_16_1"] = new W2Net().Architecture.TrainingFlops,
        ["W3_Medium_784_128_64_10"] = new W3Net().Architecture.TrainingFlops,
        ["W3_Medium_OpenThreads"] = new W3Net().Architecture.TrainingFlops,
        ["W5_SimpleChains_4_32_16_4"] = new W5Net().Architecture.TrainingFlops,
        ["W6_Wide_2048_2048_2048_10"] = new W6Net().Architecture.TrainingFlops,
        ["W4_Predict_8_4_1"] = new W1Net().Architecture.ForwardFlops,
        ["W4_Predict_784_128_64_10"] = new W3Net().Architecture.ForwardFlops,
    };
    // The one-core limit is the faster of the two FMA loops: the 512-bit one where the cores have full-width AVX-512
    // units (it returns at once, and is skipped, on machines without AVX-512).
    double? peak = reports.Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name is "FmaPeak" or "FmaPeak512" && r.ResultStatistics is { Mean: > 0.0001 })
        .Select(r => 1.0 / r.ResultStatistics!.Mean).Cast<double?>().Max();
    if (peak is { } limit)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Machine limit (one core, FMA over registers): {limit:F1} GFLOP/s"));
    }

    var ours = new List<(string Workload, string Threads, double Nanoseconds)>();
    Console.WriteLine("| workload | threads | ns per example (or call) | examples/s | GFLOP/s | of one-core limit |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (BenchmarkReport report in reports.Where(r => r.ResultStatistics is not null))
    {
        string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
        if (!flopsPerExample.TryGetValue(name, out long flops))
        {
            continue;
        }

        string threads = report.BenchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value?.ToString() ?? "1";
        if ((name.StartsWith("W1", StringComparison.Ordinal) || name.StartsWith("W4", StringComparison.Ordinal) || name.EndsWith("OpenThreads", StringComparison.Ordinal)) && threads != "1")
        {
            continue;
        }

        threads = name.EndsWith("OpenThreads", StringComparison.Ordinal) ? "open" : threads;

        double ns = report.ResultStatistics!.Mean;
        double gflops = flops / ns;
        string share = peak is { } p ? (gflops / p).ToString("P0", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {threads} | {ns:F1} | {1e9 / ns:N0} | {gflops:F2} | {share} |"));
        ours.Add((name, threads, ns));
    }

    PeerComparison.Print(ours);
}
