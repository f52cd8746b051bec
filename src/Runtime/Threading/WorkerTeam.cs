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
/// i unless the caller gets to it first, and the caller returns once every part is done, so a job may hold pointers to
/// the caller's pinned memory. Between jobs a worker spins on its count of jobs for up to <see cref="SpinTicks"/> and
/// only then sleeps on a semaphore: training hands jobs back to back, and waking a sleeping thread took about 0.5 ms on
/// a 2-core virtual machine, longer than a 64-row W3 step (TrainingThreadsBenchmark). The spinning yields the core
/// every few rounds (SpinWait), so that a thread it waits for can run when the team has more threads than the process
/// has cores. Nothing is allocated per job.
/// </summary>
/// <remarks>
/// <para>
/// A part is claimed by whoever comes first: its worker when it sees the job, or the caller once its own part is done.
/// On a machine busy with other processes a worker may not be scheduled for a whole time slice (milliseconds); a W3
/// step hands about six jobs, and with each waiting for its worker to be scheduled, a step on two threads with three
/// other busy processes took 40-70x as long as on one thread. Now the caller does such a part itself, and a step never
/// waits for a worker that has not started. Which thread runs a part does not change its result: the parts are fixed
/// by the job, not by the threads.
/// </para>
/// <para>
/// Used by one caller at a time (a trainer's step). The gradient's data-parallel blocks (ParallelGradient), the split
/// products (DenseKernels, through <see cref="Backprop.Kernels.ProductTeam"/>) and the passes over the parameters each
/// thread owns (<see cref="Backprop.Kernels.ParameterOwnership"/>) run on it.
/// </para>
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    // A part's state in the current job: the caller sets Unclaimed (after the job's fields) for parts 1 .. parts - 1;
    // whoever moves it to Claimed runs it and then sets Done. Parts no job uses stay Done, so a worker that wakes late
    // can never claim a part of a job that is not the current one.
    private const int Unclaimed = 0;
    private const int Claimed = 1;
    private const int Done = 2;

    // How long a waiting thread spins before it sleeps: 2 ms, longer than the serial part of a training step (the
    // optimizer, the loss) for networks worth threading, far shorter than a time slice is worth.
    private static readonly long SpinTicks = Stopwatch.Frequency / 500;

    private readonly SemaphoreSlim[] _start;
    // Per worker: 1 while it sleeps (or is about to) on its semaphore; whoever changes it to 0 owns the wake-up.
    private readonly int[] _sleeping;
    // Per worker: the jobs handed to it; it looks for its part when the count changes.
    private readonly int[] _handed;
    // Per part: Unclaimed, Claimed or Done.
    private readonly int[] _state;
    private readonly Thread?[] _workers;
    // Workers pulse it when they finish a part, for a caller that stopped spinning. (CountdownEvent allocates a lock
    // object the first time a wait has to block, which would break the allocation-free step.)
    private readonly object _gate = new();
    private ITeamJob? _job;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Starts <paramref name="threads"/> - 1 workers, named after <paramref name="name"/>.</summary>
    /// <param name="threads">The threads of the team, the caller's included; at least 1.</param>
    /// <param name="name">What the workers are for, in their thread names.</param>
    public WorkerTeam(int threads, string name)
        : this(threads, name, startWorkers: true)
    {
    }

    /// <summary>A team whose workers are started only if <paramref name="startWorkers"/>: without them the caller runs every part, as when the workers are never scheduled.</summary>
    internal WorkerTeam(int threads, string name, bool startWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _start = new SemaphoreSlim[threads];
        _sleeping = new int[threads];
        _handed = new int[threads];
        _state = new int[threads];
        _state.AsSpan().Fill(Done);
        _workers = new Thread?[threads];
        for (int i = 1; i < threads; i++)
        {
            int worker = i;
            _start[i] = new SemaphoreSlim(0);
            if (startWorkers)
            {
                _workers[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"Backprop.Gen {name} {i}" };
                _workers[i]!.Start();
            }
        }
    }

    /// <summary>The threads of the team, the caller's included.</summary>
    public int Threads { get; }

    /// <summary>Runs parts 0 to <paramref name="parts"/> - 1 of <paramref name="job"/>, part 0 on the calling thread.</summary>
    /// <param name="job">The job.</param>
    /// <param name="parts">How many parts, 1 to <see cref="Threads"/>.</param>
    /// <exception cref="InvalidOperationException">A part other than 0 threw; the exception is the inner one.</exception>
    public void Run(ITeamJob job, int parts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, Threads);
        _job = job;
        _failure = null;
        for (int i = 1; i < parts; i++)
        {
            Volatile.Write(ref _state[i], Unclaimed); // after the job's fields: a claim sees them
            Hand(i);
        }

        bool completed = false;
        try
        {
            job.Run(0);
            completed = true;
        }
        finally
        {
            // Every part is claimed before the caller returns, even after a failure: a worker that woke later would
            // otherwise run a part whose memory is gone.
            for (int i = 1; i < parts; i++)
            {
                if (Interlocked.CompareExchange(ref _state[i], Claimed, Unclaimed) == Unclaimed)
                {
                    if (completed)
                    {
                        RunPart(job, i);
                    }
                    else
                    {
                        Volatile.Write(ref _state[i], Done);
                    }
                }
            }

            WaitForWorkers(parts);
            _job = null;
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException("A part of a job split over threads failed.", _failure);
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

    // Runs a claimed part, keeps what it threw for the caller, and marks it done.
    private void RunPart(ITeamJob job, int part)
    {
        try
        {
            job.Run(part);
        }
        catch (Exception exception)
        {
            _failure = exception;
        }

        Volatile.Write(ref _state[part], Done);
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForJob(worker, seen);
            if (_disposed)
            {
                return;
            }

            // The caller may have done the part already, or even moved on to a later job: then the part is no longer
            // Unclaimed, or it is that later job's part, which is just as good to run.
            if (Interlocked.CompareExchange(ref _state[worker], Claimed, Unclaimed) != Unclaimed)
            {
                continue;
            }

            RunPart(_job!, worker);
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    // Spins until the worker's count of jobs moves past `seen`, then sleeps on the semaphore; returns the new count.
    private int WaitForJob(int worker, int seen)
    {
        long start = Stopwatch.GetTimestamp();
        SpinWait spinner = default;
        int handed;
        while ((handed = Volatile.Read(ref _handed[worker])) == seen)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                // Say so before the last look (a full fence), so that a job handed after that look wakes us.
                Interlocked.Exchange(ref _sleeping[worker], 1);
                if (Volatile.Read(ref _handed[worker]) != seen && Interlocked.Exchange(ref _sleeping[worker], 0) == 1)
                {
                    return Volatile.Read(ref _handed[worker]); // handed meanwhile, and nobody released the semaphore for us
                }

                _start[worker].Wait(); // released by Hand (possibly already)
                return Volatile.Read(ref _handed[worker]);
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return handed;
    }

    // Waits for the parts that workers claimed: spins as long as a worker would (the parts are of about equal size, so
    // the others usually finish about now), then sleeps on the gate.
    private void WaitForWorkers(int parts)
    {
        long start = Stopwatch.GetTimestamp();
        SpinWait spinner = default;
        while (!AllDone(parts) && Stopwatch.GetTimestamp() - start <= SpinTicks)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_gate)
        {
            while (!AllDone(parts))
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private bool AllDone(int parts)
    {
        for (int i = 1; i < parts; i++)
        {
            if (Volatile.Read(ref _state[i]) != Done)
            {
                return false;
            }
        }

        return true;
    }
}
