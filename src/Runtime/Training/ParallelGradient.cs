using System;
using System.Numerics.Tensors;
using System.Threading;

namespace Backprop;

/// <summary>
/// Data-parallel gradients: a batch is cut into one contiguous block of rows per thread, each block's gradient is
/// computed into its own buffer with its own workspace, and the blocks are summed in block order, weighted by their
/// share of the rows. The result depends only on the number of blocks, never on which thread ran what, so it is
/// bit-identical for a given thread count.
/// </summary>
/// <remarks>
/// The workers are dedicated background threads, so a step allocates nothing. Between batches a worker first spins on
/// the batch counter for up to <see cref="SpinTicks"/> and only then sleeps on its semaphore: training calls steps back
/// to back, and waking a sleeping thread took about 0.5 ms on a 2-core virtual machine, which made a 64-row W3 step
/// on two threads 2x slower than on one (TrainingThreadsBenchmark). The calling thread computes block 0 and waits
/// for the others (spinning as long, then sleeping) before returning, which is what makes handing them pointers to
/// the caller's pinned spans safe.
/// </remarks>
internal sealed unsafe class ParallelGradient<TNetwork> : IDisposable
    where TNetwork : class, INetwork<TNetwork, float>
{
    private readonly TNetwork _network;
    private readonly float[][] _gradients;
    private readonly Workspace<float>[] _workspaces;
    private readonly double[] _losses;
    // How long a waiting thread spins before it sleeps: 2 ms, longer than the serial part of a step (the reduction and
    // the optimizer) for networks worth threading, far shorter than a time slice is worth.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 500;

    private readonly SemaphoreSlim[] _start;
    // Per worker: 1 while it sleeps (or is about to) on its semaphore; whoever changes it to 0 owns the wake-up.
    private readonly int[] _sleeping;
    // Per worker: the batches handed to it; it runs a block when its count changes.
    private readonly int[] _handed;
    private readonly Thread[] _workers;
    // Completion: workers count down _pending and pulse _gate. (CountdownEvent allocates a lock object the first time
    // a wait has to block, which would break the allocation-free step.)
    private readonly object _gate = new();
    private int _pending;
    private Exception? _failure;
    private bool _disposed;

    // The batch being processed, valid while Compute runs.
    private float* _inputs;
    private float* _targets;
    private int _rows;
    private int _blocks;

    public ParallelGradient(TNetwork network, int threads)
    {
        _network = network;
        Threads = threads;
        _gradients = new float[threads][];
        _workspaces = new Workspace<float>[threads];
        _losses = new double[threads];
        _start = new SemaphoreSlim[threads];
        _sleeping = new int[threads];
        _handed = new int[threads];
        _workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _gradients[i] = new float[TNetwork.ParameterCount];
            _workspaces[i] = new Workspace<float>();
            _start[i] = new SemaphoreSlim(0);
            if (i > 0)
            {
                int block = i;
                _workers[i] = new Thread(() => WorkerLoop(block)) { IsBackground = true, Name = "Backprop.Gen gradient worker " + i };
                _workers[i].Start();
            }
        }
    }

    public int Threads { get; }

    /// <summary>Computes the batch's mean loss and its gradient into <paramref name="gradient"/> with <paramref name="blocks"/> blocks.</summary>
    public float Compute(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, int blocks)
    {
        int rows = inputs.Length / TNetwork.InputSize;
        fixed (float* inputPointer = inputs)
        fixed (float* targetPointer = targets)
        {
            _inputs = inputPointer;
            _targets = targetPointer;
            _rows = rows;
            _blocks = blocks;
            _failure = null;
            Volatile.Write(ref _pending, blocks - 1);
            for (int i = 1; i < blocks; i++)
            {
                Hand(i);
            }

            RunBlock(0);
            WaitForWorkers();
            _inputs = null;
            _targets = null;
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException("A gradient worker failed.", _failure);
        }

        // Fixed-order reduction: gradient = sum_b (rows_b / rows) * gradient_b, b = 0, 1, ...
        double loss = 0;
        for (int b = 0; b < blocks; b++)
        {
            (_, int count) = BlockRange(b);
            float weight = (float)count / rows;
            if (b == 0)
            {
                TensorPrimitives.Multiply(_gradients[0], weight, gradient);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(_gradients[b], weight, gradient, gradient);
            }

            loss += _losses[b] * count / rows;
        }

        return (float)loss;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 1; i < Threads; i++)
        {
            Hand(i);
        }
    }

    // Counts a batch for the worker (a full fence after the batch's fields), and releases its semaphore once if it
    // sleeps or has said it is about to.
    private void Hand(int worker)
    {
        Interlocked.Increment(ref _handed[worker]);
        if (Interlocked.Exchange(ref _sleeping[worker], 0) == 1)
        {
            _start[worker].Release();
        }
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForBatch(worker, seen);
            if (_disposed)
            {
                return;
            }

            RunBlock(worker);
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    // Spins until the worker's count of batches moves past `seen`, then sleeps on the semaphore; returns the new count.
    // The caller hands the next batch only after this one's blocks are all done, so the count moves by one at a time.
    private int WaitForBatch(int worker, int seen)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _handed[worker]) == seen)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                // Say so before the last look (a full fence), so that a batch started after that look wakes us.
                Interlocked.Exchange(ref _sleeping[worker], 1);
                if (Volatile.Read(ref _handed[worker]) != seen && Interlocked.Exchange(ref _sleeping[worker], 0) == 1)
                {
                    break; // started meanwhile, and nobody released the semaphore for us
                }

                _start[worker].Wait(); // released by Hand (possibly already)
                break;
            }

            Thread.SpinWait(20);
        }

        return seen + 1;
    }

    // Spin as long as a worker would (the blocks are of equal size, so the others usually finish about now), then
    // sleep on the gate.
    private void WaitForWorkers()
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _pending) != 0 && System.Diagnostics.Stopwatch.GetTimestamp() - start <= SpinTicks)
        {
            Thread.SpinWait(20);
        }

        lock (_gate)
        {
            while (Volatile.Read(ref _pending) != 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void RunBlock(int block)
    {
        try
        {
            (int start, int count) = BlockRange(block);
            var inputs = new ReadOnlySpan<float>(_inputs + ((long)start * TNetwork.InputSize), count * TNetwork.InputSize);
            var targets = new ReadOnlySpan<float>(_targets + ((long)start * TNetwork.OutputSize), count * TNetwork.OutputSize);
            _losses[block] = _network.Gradient(inputs, targets, _gradients[block], _workspaces[block]);
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }

    // Rows are split as evenly as possible; the first (rows % blocks) blocks get one more.
    private (int Start, int Count) BlockRange(int block)
    {
        int baseCount = _rows / _blocks;
        int extra = _rows % _blocks;
        int start = (block * baseCount) + Math.Min(block, extra);
        return (start, baseCount + (block < extra ? 1 : 0));
    }
}
