using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Backprop.Tests;

/// <summary>Read-only members may run concurrently on one instance and give exactly the single-threaded results.</summary>
public sealed class ThreadSafetyTests
{
    [Fact]
    public void Concurrent_predict_and_gradient_on_one_instance_match_sequential_results_bit_for_bit()
    {
        var net = new WideNet();
        net.Initialize(seed: 11);
        const int Batches = 16;
        const int Rows = 37;
        var random = new Random(5);
        float[][] inputs = Enumerable.Range(0, Batches)
            .Select(_ => Enumerable.Range(0, Rows * WideNet.InputSize).Select(_ => (float)random.NextDouble()).ToArray())
            .ToArray();
        float[][] targets = Enumerable.Range(0, Batches).Select(_ => OneHot(random, Rows)).ToArray();

        var expectedOutputs = new float[Batches][];
        var expectedGradients = new float[Batches][];
        for (int b = 0; b < Batches; b++)
        {
            expectedOutputs[b] = new float[Rows * WideNet.OutputSize];
            net.Predict(inputs[b], expectedOutputs[b]);
            expectedGradients[b] = new float[WideNet.ParameterCount];
            net.Gradient(inputs[b], targets[b], expectedGradients[b]);
        }

        Parallel.For(0, Batches * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int b = i % Batches;
            var outputs = new float[Rows * WideNet.OutputSize];
            net.Predict(inputs[b], outputs);
            Assert.Equal(expectedOutputs[b], outputs);
            var gradient = new float[WideNet.ParameterCount];
            net.Gradient(inputs[b], targets[b], gradient);
            Assert.Equal(expectedGradients[b], gradient);
        });
    }

    // WideNet runs the blocked kernels over several blocks; TinyNet's layers run eight rows per vector plus leftovers.
    [Fact]
    public void Each_row_is_predicted_the_same_whatever_batch_and_block_it_is_in()
    {
        AssertRowsIndependentOfBatch(new WideNet(), WideNet.InputSize, WideNet.OutputSize, rows: 150);
        AssertRowsIndependentOfBatch(new TinyNet(), TinyNet.InputSize, TinyNet.OutputSize, rows: 29);
    }

    private static void AssertRowsIndependentOfBatch(INetwork<float> net, int inputSize, int outputSize, int rows)
    {
        net.Initialize(seed: 2);
        var random = new Random(9);
        float[] inputs = Enumerable.Range(0, rows * inputSize).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        var batch = new float[rows * outputSize];
        net.Predict(inputs, batch);
        for (int row = 0; row < rows; row++)
        {
            var single = new float[outputSize];
            net.Predict(inputs.AsSpan(row * inputSize, inputSize), single);
            Assert.Equal(batch.AsSpan(row * outputSize, outputSize).ToArray(), single);
        }
    }

    private static float[] OneHot(Random random, int rows)
    {
        var targets = new float[rows * WideNet.OutputSize];
        for (int i = 0; i < rows; i++)
        {
            targets[(i * WideNet.OutputSize) + random.Next(WideNet.OutputSize)] = 1;
        }

        return targets;
    }
}
