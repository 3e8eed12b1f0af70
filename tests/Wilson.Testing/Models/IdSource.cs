namespace Wilson.Testing.Models;

/// <summary>Numbered ids per prefix (<c>call_1</c>, <c>call_2</c>, <c>msg_1</c>), unique for the server's life.</summary>
internal sealed class IdSource
{
    private readonly Dictionary<string, int> _last = new(StringComparer.Ordinal);

    public string Next(string prefix)
    {
        lock (_last)
        {
            var next = _last.GetValueOrDefault(prefix) + 1;
            _last[prefix] = next;
            return prefix + next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
