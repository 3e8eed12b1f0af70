using System.Text;

namespace Wilson.Testing.Models;

/// <summary>
/// The seed of one request's <see cref="Random"/>: FNV-1a (64 bits) over the weak model's seed, the messages
/// (roles, text, earlier tool calls) and the offered tool names, folded to 32 bits. Stable across runs and
/// processes, unlike <see cref="string.GetHashCode()"/>.
/// </summary>
internal static class WeakModelSeed
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static int For(int seed, Conversation conversation)
    {
        var hash = OffsetBasis;
        hash = Add(hash, BitConverter.GetBytes(seed));
        foreach (var message in conversation.Messages)
        {
            hash = Add(hash, message.Role);
            hash = Add(hash, message.Text);
            foreach (var call in message.ToolCalls)
            {
                hash = Add(hash, call.Name);
                hash = Add(hash, call.ArgumentsText);
            }
        }

        foreach (var tool in conversation.Tools)
        {
            hash = Add(hash, tool.Name);
        }

        return (int)(hash ^ (hash >> 32));
    }

    // Each part ends with a separator byte that UTF-8 text never contains, so ("ab", "c") and ("a", "bc") differ.
    private static ulong Add(ulong hash, string text)
    {
        hash = Add(hash, Encoding.UTF8.GetBytes(text));
        return (hash ^ 0xFF) * Prime;
    }

    private static ulong Add(ulong hash, byte[] bytes)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
