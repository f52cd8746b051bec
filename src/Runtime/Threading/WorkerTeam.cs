using System;
using System.Diagnostics;
using System.Threading;

namespace Backprop.Threading;

/// <summary>One part of a job that a <see cref="WorkerTeam"/> splits over its threads.</summary>
internal interface ITeamJob
{
    /// <summary>Runs part <paramref name="part"/> of the job; the parts of one run touch disjoint outputs.</summary>
    /// <param name="part">The part, 0 to the run's part count - 1.</param>
    void Run(int part);
}

/// <summary>
/// A caller thread and dedicated workers that run the parts of a job together: part 0 on the caller, part i on worker
/// i, and the caller returns once every part is done, so a job may hold pointers to the caller's pinned memory.
/// Between jobs a worker spins on its count of jobs for up to <see cref="SpinTicks"/> and only then sleeps on a
/// semaphore: training hands jobs back to back, and waking a sleeping thread took about 0.5 ms on a 2-core virtual
/// machine, longer than a 64-row W3 step (TrainingThreadsBenchmark). The spinning yields the core every few rounds
/// (SpinWait), so that a thread it waits for can run when the team has more threads than the process has cores: with
/// both threads pinned to one core a W3 step took 8 ms when the waits spun without yielding, 0.25 ms with the yields.
/// Nothing is allocated per job.
/// </summary>
/// <remarks>
/// Used by one caller at a time (a trainer's step). The gradient's data-parallel blocks (ParallelGradient) and the
/// products split by columns (DenseKernels, through <see cref="Backprop.Kernels.ProductTeam"/>) both run on it.
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    // How long a waiting thread spins before it sleeps: 2 ms, longer than the serial part of a training step (the
    // optimizer, the loss) for networks worth threading, far shorter than a time slice is worth.
    private static readonly long SpinTicks = Stopwatch.Frequency / 500;

    private readonly SemaphoreSlim[] _start;
    // Per worker: 1 while it sleeps (or is about to) on its semaphore; whoever changes it to 0 owns the wake-up.
    private readonly int[] _sleeping;
    // Per worker: the jobs handed to it; it runs its part when the count changes.
    private readonly int[] _handed;
    private readonly Thread[] _workers;
    // Completion: workers count down _pending and pulse _gate. (CountdownEvent allocates a lock object the first time
    // a wait has to block, which would break the allocation-free step.)
    private readonly object _gate = new();
    private int _pending;
    private ITeamJob? _job;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Starts <paramref name="threads"/> - 1 workers, named after <paramref name="name"/>.</summary>
    /// <param name="threads">The threads of the team, the caller's included; at least 1.</param>
    /// <param name="name">What the workers are for, in their thread names.</param>
    public WorkerTeam(int threads, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _start = new SemaphoreSlim[threads];
        _sleeping = new int[threads];
        _handed = new int[threads];
        _workers = new Thread[threads];
        for (int i = 1; i < threads; i++)
        {
            int worker = i;
            _start[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"Backprop.Gen {name} {i}" };
            _workers[i].Start();
        }
    }

    /// <summary>The threads of the team, the caller's included.</summary>
    public int Threads { get; }

    /// <summary>Runs parts 0 to <paramref name="parts"/> - 1 of <paramref name="job"/>, part 0 on the calling thread.</summary>
    /// <param name="job">The job.</param>
    /// <param name="parts">How many parts, 1 to <see cref="Threads"/>.</param>
    /// <exception cref="InvalidOperationException">A worker's part threw; the exception is the inner one.</exception>
    public void Run(ITeamJob job, int parts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, Threads);
        _job = job;
        _failure = null;
        Volatile.Write(ref _pending, parts - 1);
        for (int i = 1; i < parts; i++)
        {
            Hand(i);
        }

        try
        {
            job.Run(0);
        }
        finally
        {
            WaitForWorkers();
            _job = null;
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException("A worker thread failed.", _failure);
        }
    }

    /// <summary>Stops the workers once they finish what they run.</summary>
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

    // Counts a job for the worker (a full fence after the job's fields), and releases its semaphore once if it sleeps
    // or has said it is about to.
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
            WaitForJob(worker, seen++);
            if (_disposed)
            {
                return;
            }

            try
            {
                _job!.Run(worker);
            }
            catch (Exception exception)
            {
                _failure = exception;
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_gate)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    // Spins until the worker's count of jobs moves past `seen`, then sleeps on the semaphore. The caller hands the next
    // job only after every part of this one is done, so the count moves by one at a time.
    private void WaitForJob(int worker, int seen)
    {
        long start = Stopwatch.GetTimestamp();
        SpinWait spinner = default;
        while (Volatile.Read(ref _handed[worker]) == seen)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                // Say so before the last look (a full fence), so that a job handed after that look wakes us.
                Interlocked.Exchange(ref _sleeping[worker], 1);
                if (Volatile.Read(ref _handed[worker]) != seen && Interlocked.Exchange(ref _sleeping[worker], 0) == 1)
                {
                    return; // handed meanwhile, and nobody released the semaphore for us
                }

                _start[worker].Wait(); // released by Hand (possibly already)
                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    // Spins as long as a worker would (the parts are of about equal size, so the others usually finish about now),
    // then sleeps on the gate.
    private void WaitForWorkers()
    {
        long start = Stopwatch.GetTimestamp();
        SpinWait spinner = default;
        while (Volatile.Read(ref _pending) != 0 && Stopwatch.GetTimestamp() - start <= SpinTicks)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_gate)
        {
            while (Volatile.Read(ref _pending) != 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }
}
