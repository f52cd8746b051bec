using System;
using System.IO;

namespace Backprop.Serialization;

/// <summary>
/// Reading and writing whole model files, shared by every format: a file is read once into memory after its length is
/// checked, and written atomically.
/// </summary>
internal static class ModelFiles
{
    /// <summary>The largest model file accepted (2 GiB, the largest array .NET holds).</summary>
    public const long MaxFileLength = int.MaxValue;

    /// <summary>
    /// Writes <paramref name="contents"/> under a temporary name in the target's folder, flushes it to disk, then renames
    /// it over the target, so an interrupted save leaves the previous file intact and never a torn one.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="contents">The whole file.</param>
    /// <param name="wrap">Wraps the file stream, so that tests can make a write fail part-way.</param>
    public static void WriteAtomically(string path, byte[] contents, Func<Stream, Stream> wrap)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Stream stream = wrap(file);
                stream.Write(contents);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Reads a whole model file; a missing, unreadable or oversized file is a <see cref="ModelFileException"/>.</summary>
    public static byte[] ReadAll(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxFileLength)
            {
                throw new ModelFileException(path, $"the file is {stream.Length} bytes, more than the {MaxFileLength} bytes a model file may have.");
            }

            byte[] bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception exception) when (exception is IOException and not ModelFileException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, exception.Message, exception);
        }
    }
}
