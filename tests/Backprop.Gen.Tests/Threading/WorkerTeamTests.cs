using System;
using System.Diagnostics;
using System.Threading;
using Backprop.Threading;
using Xunit;

namespace Backprop.Tests.Threading;

public sealed class WorkerTeamTests
{
    [Fact]
    public void Without_its_workers_the_caller_runs_every_part_once()
    {
        // A worker that is never scheduled (a machine busy with other processes) must not hold up the caller.
        using var team = new WorkerTeam(3, "test", startWorkers: false);
        var job = new RecordingJob(3);
        for (int run = 1; run <= 3; run++)
        {
            team.Run(job, 3);
            for (int part = 0; part < 3; part++)
            {
                Assert.Equal(run, job.Runs[part]);
                Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[part]);
            }
        }
    }

    [Fact]
    public void Every_part_runs_exactly_once_per_job_and_none_after_the_call()
    {
        // Jobs of every size, back to back and after pauses past the workers' spin (2 ms), so that workers are busy,
        // spinning, asleep or late by turns, and the caller takes some of their parts.
        using var team = new WorkerTeam(3, "test");
        var job = new RecordingJob(3) { Work = 0 };
        var random = new Random(7);
        long[] expected = new long[3];
        var clock = Stopwatch.StartNew();
        for (int run = 0; run < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(3); run++)
        {
            int parts = random.Next(1, 4);
            job.Work = random.Next(4) == 0 ? random.Next(20_000) : random.Next(100);
            if (random.Next(500) == 0)
            {
                Thread.Sleep(3);
            }

            team.Run(job, parts);
            for (int part = 0; part < parts; part++)
            {
                expected[part]++;
            }

            for (int part = 0; part < 3; part++)
            {
                Assert.Equal(expected[part], job.Runs[part]);
            }
        }

        Thread.Sleep(20); // a worker that woke late must find nothing to run
        for (int part = 0; part < 3; part++)
        {
            Assert.Equal(expected[part], Interlocked.Read(ref job.Runs[part]));
        }
    }

    [Fact]
    public void A_part_that_throws_fails_the_run_and_the_team_runs_the_next_job()
    {
        using var team = new WorkerTeam(2, "test");
        var job = new RecordingJob(2) { ThrowingPart = 1 };
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(job, 2));
        Assert.IsType<ArithmeticException>(error.InnerException);

        job.ThrowingPart = 0; // the caller's own part: its exception as it is, once the other part is done
        Assert.Throws<ArithmeticException>(() => team.Run(job, 2));

        job.ThrowingPart = -1;
        long before = job.Runs[1];
        team.Run(job, 2);
        Assert.Equal(before + 1, job.Runs[1]);
    }

    // Counts the runs of each part and remembers the thread of the last one.
    private sealed class RecordingJob(int parts) : ITeamJob
    {
        public readonly long[] Runs = new long[parts];
        public readonly int[] Threads = new int[parts];

        public int Work { get; set; }

        public int ThrowingPart { get; set; } = -1;

        public void Run(int part)
        {
            Interlocked.Increment(ref Runs[part]);
            Threads[part] = Environment.CurrentManagedThreadId;
            double sum = 0;
            for (int i = 0; i < Work; i++)
            {
                sum += Math.Sqrt(i);
            }

            if (part == ThrowingPart || sum < 0)
            {
                throw new ArithmeticException($"part {part}");
            }
        }
    }
}
