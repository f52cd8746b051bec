using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Backprop.Serialization;

/// <summary>
/// A small JSON reader for safetensors headers: objects become lists of name/value pairs in file order (so that
/// duplicate names can be refused), arrays become lists, strings stay strings, and numbers must be integers, which
/// become <see cref="long"/>. Nesting is limited, and each problem throws a <see cref="FormatException"/> that says
/// what is wrong and at which byte.
/// </summary>
/// <remarks>
/// Hand-written on purpose, and compiled into the runtime and the generator alike: the generator runs inside the
/// compiler on .NET Standard 2.0, where System.Text.Json is not available without shipping it beside the analyzer, and
/// one parser means that the generator (build-time weights) and the runtime (<c>Safetensors.Load</c>) accept exactly the
/// same files.
/// </remarks>
internal sealed class JsonHeaderReader
{
    private const int MaxDepth = 16;
    private readonly byte[] _bytes;
    private readonly int _end;
    private int _position;

    /// <summary>Reads the JSON text in <paramref name="bytes"/> from <paramref name="start"/> up to <paramref name="end"/>.</summary>
    public JsonHeaderReader(byte[] bytes, int start, int end)
    {
        _bytes = bytes;
        _position = start;
        _end = end;
    }

    /// <summary>Reads the one value the text holds, which must be all of it.</summary>
    public object? ParseDocument()
    {
        object? value = ParseValue(0);
        SkipWhitespace();
        if (_position != _end)
        {
            throw Error("unexpected text after the top-level value");
        }

        return value;
    }

    private object? ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("nesting is too deep");
        }

        SkipWhitespace();
        if (_position >= _end)
        {
            throw Error("the header ends in the middle of a value");
        }

        switch (_bytes[_position])
        {
            case (byte)'{':
                return ParseObject(depth);
            case (byte)'[':
                return ParseArray(depth);
            case (byte)'"':
                return ParseString();
            case (byte)'t':
                ExpectWord("true");
                return true;
            case (byte)'f':
                ExpectWord("false");
                return false;
            case (byte)'n':
                ExpectWord("null");
                return null;
            default:
                return ParseNumber();
        }
    }

    private List<KeyValuePair<string, object?>> ParseObject(int depth)
    {
        var members = new List<KeyValuePair<string, object?>>();
        _position++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _position++;
            return members;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error("expected a quoted name");
            }

            string name = ParseString();
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error("expected ':'");
            }

            _position++;
            members.Add(new KeyValuePair<string, object?>(name, ParseValue(depth + 1)));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == '}')
            {
                return members;
            }

            if (next != ',')
            {
                throw Error("expected ',' or '}'");
            }
        }
    }

    private List<object?> ParseArray(int depth)
    {
        var items = new List<object?>();
        _position++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _position++;
            return items;
        }

        while (true)
        {
            items.Add(ParseValue(depth + 1));
            SkipWhitespace();
            char next = Peek();
            _position++;
            if (next == ']')
            {
                return items;
            }

            if (next != ',')
            {
                throw Error("expected ',' or ']'");
            }
        }
    }

    private string ParseString()
    {
        _position++;
        var text = new StringBuilder();
        int runStart = _position;
        while (true)
        {
            if (_position >= _end)
            {
                throw Error("a string is not closed");
            }

            byte current = _bytes[_position];
            if (current == '"')
            {
                text.Append(Decode(runStart, _position));
                _position++;
                return text.ToString();
            }

            if (current < 0x20)
            {
                throw Error("a control character inside a string");
            }

            if (current != '\\')
            {
                _position++;
                continue;
            }

            text.Append(Decode(runStart, _position));
            _position++;
            char escape = Peek();
            _position++;
            switch (escape)
            {
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case '/': text.Append('/'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _end || !int.TryParse(Encoding.ASCII.GetString(_bytes, _position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                    {
                        throw Error("a bad \\u escape");
                    }

                    text.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw Error("an unknown escape");
            }

            runStart = _position;
        }
    }

    private string Decode(int start, int end)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_bytes, start, end - start);
        }
        catch (ArgumentException)
        {
            throw Error("a string that is not UTF-8");
        }
    }

    private long ParseNumber()
    {
        int start = _position;
        while (_position < _end && (_bytes[_position] is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E' || (_bytes[_position] >= '0' && _bytes[_position] <= '9')))
        {
            _position++;
        }

        string token = Encoding.ASCII.GetString(_bytes, start, _position - start);
        if (token.Length == 0)
        {
            throw Error($"unexpected character '{(char)_bytes[start]}'");
        }

        if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw Error($"'{token}' is not an integer in range");
        }

        return value;
    }

    private void ExpectWord(string word)
    {
        if (_position + word.Length > _end || Encoding.ASCII.GetString(_bytes, _position, word.Length) != word)
        {
            throw Error("unexpected text");
        }

        _position += word.Length;
    }

    private char Peek()
    {
        if (_position >= _end)
        {
            throw Error("the header ends too early");
        }

        return (char)_bytes[_position];
    }

    private void SkipWhitespace()
    {
        while (_position < _end && _bytes[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    private FormatException Error(string what) => new($"{what} at byte {_position}.");
}
