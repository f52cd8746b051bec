using BenchmarkDotNet.Running;

// Run all:      dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks
// Run a subset: dotnet run -c Release --project benchmarks/Backprop.Gen.Benchmarks -- --filter '*Threads*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
