using System;
using System.Text;

namespace Backprop.Generator.Emitter;

/// <summary>
/// Writes C# source with indentation tracked for the caller: lines are indented by the current depth, blocks open
/// and close braces, and multi-line text is re-indented line by line. No line is padded by hand.
/// </summary>
internal sealed class SourceWriter
{
    private const int SpacesPerLevel = 4;
    private readonly StringBuilder _builder = new();
    private int _depth;

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _depth * SpacesPerLevel).Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes each line of <paramref name="text"/> at the current indentation (for raw string literals).</summary>
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    public void OpenBlock(string header)
    {
        WriteLine(header);
        OpenBrace();
    }

    public void OpenBrace()
    {
        WriteLine("{");
        _depth++;
    }

    public void CloseBlock(string suffix = "")
    {
        _depth--;
        WriteLine("}" + suffix);
    }

    public void Indent() => _depth++;

    public void Unindent() => _depth = Math.Max(0, _depth - 1);

    public override string ToString() => _builder.ToString();
}
