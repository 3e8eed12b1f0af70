using System.Text;

namespace Wilson.Agents.Commands;

/// <summary>
/// A command's output, kept as its first and last bytes under a cap: the start says what ran, the end
/// how it ended; what lies between is counted, not kept. Thread-safe (stdout and stderr write to it).
/// </summary>
internal sealed class OutputCapture(int headBytes, int tailBytes)
{
    private readonly Lock _gate = new();
    private readonly byte[] _head = new byte[headBytes];
    private readonly byte[] _tail = new byte[tailBytes];
    private int _headLength;
    private long _tailWritten;

    public long TotalBytes { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            TotalBytes += bytes.Length;
            var toHead = Math.Min(_head.Length - _headLength, bytes.Length);
            bytes[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
            foreach (var b in bytes[toHead..].Length > _tail.Length ? bytes[^_tail.Length..] : bytes[toHead..])
            {
                _tail[(int)(_tailWritten++ % _tail.Length)] = b;
            }
        }
    }

    /// <summary>The kept output as text (invalid UTF-8 shown as U+FFFD), with a note of what was cut.</summary>
    public string Text()
    {
        lock (_gate)
        {
            var head = Encoding.UTF8.GetString(_head, 0, _headLength);
            if (_tailWritten == 0)
            {
                return head;
            }

            var kept = (int)Math.Min(_tailWritten, _tail.Length);
            var tail = new byte[kept];
            for (var i = 0; i < kept; i++)
            {
                tail[i] = _tail[(int)((_tailWritten - kept + i) % _tail.Length)];
            }

            var cut = TotalBytes - _headLength - kept;
            return cut > 0
                ? $"{head}\n[... {cut:N0} bytes of output not kept ...]\n{Encoding.UTF8.GetString(tail)}"
                : head + Encoding.UTF8.GetString(tail);
        }
    }
}
