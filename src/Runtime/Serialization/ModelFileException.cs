using System;
using System.IO;

namespace Backprop;

/// <summary>
/// A model file (safetensors or ONNX) could not be loaded: it is damaged, not of that format, or holds a different network. The message
/// says which, and the network it was being loaded into is unchanged.
/// </summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ModelFileException(string path, string problem, Exception? innerException = null)
        : base($"Cannot load '{path}': {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string FilePath { get; }
}
