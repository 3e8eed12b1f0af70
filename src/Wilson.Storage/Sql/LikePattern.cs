using System.Text;

namespace Wilson.Storage.Sql;

/// <summary>
/// LIKE patterns for text a person typed: <c>%</c>, <c>_</c> and the escape character itself match as
/// themselves. Use with <see cref="Escape"/> as the statement's <c>ESCAPE</c>.
/// </summary>
internal static class LikePattern
{
    /// <summary>The SQL that goes after a LIKE pattern of this class.</summary>
    public const string Escape = @" ESCAPE '\'";

    /// <summary>A pattern that matches any text containing <paramref name="text"/>.</summary>
    public static string Containing(string text)
    {
        var pattern = new StringBuilder(text.Length + 8).Append('%');
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                pattern.Append('\\');
            }

            pattern.Append(c);
        }

        return pattern.Append('%').ToString();
    }
}
