using System;
using System.IO;

namespace Backprop.Tests;

/// <summary>A write-only stream that fails with "disk full" after <c>failAfter</c> bytes, to test that saves are atomic.</summary>
internal sealed class FailingStream(Stream inner, int failAfter) : Stream
{
    private int _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int allowed = Math.Max(0, Math.Min(buffer.Length, failAfter - _written));
        inner.Write(buffer[..allowed]);
        _written += allowed;
        if (allowed < buffer.Length)
        {
            throw new IOException("Simulated failure: the disk is full.");
        }
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
