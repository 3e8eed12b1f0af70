using Dapper;

namespace Wilson.Storage.Sql;

/// <summary>
/// The WHERE clause of a query made of optional filters: conditions written by the store, every value bound
/// as a parameter, never spliced into the text. A filter that can match nothing (an empty set) is noted
/// instead, so the caller answers without asking the database.
/// </summary>
internal sealed class SqlConditions
{
    private readonly List<string> _conditions = [];

    public DynamicParameters Parameters { get; } = new();

    /// <summary>True when some filter matches nothing, so the query would return no rows.</summary>
    public bool MatchesNothing { get; private set; }

    /// <summary>" WHERE a AND b", or nothing without conditions.</summary>
    public string Where => _conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _conditions);

    /// <summary>Binds <paramref name="value"/> as <c>@name</c> and returns that placeholder; a name is bound once.</summary>
    public string Bind(string name, object? value)
    {
        if (Parameters.ParameterNames.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"the parameter @{name} is bound twice in one query");
        }

        Parameters.Add(name, value);
        return "@" + name;
    }

    public void Add(string condition) => _conditions.Add(condition);

    /// <summary>Adds <c>column = @name</c> when <paramref name="value"/> is given; a null filter matches everything.</summary>
    public void Equal(string column, string name, object? value) => Compare(column, "=", name, value);

    /// <summary>Adds <c>column comparison @name</c> (<c>seq &gt; @AfterSequence</c>) when <paramref name="value"/> is given.</summary>
    public void Compare(string column, string comparison, string name, object? value)
    {
        if (value is not null)
        {
            Add($"{column} {comparison} {Bind(name, value)}");
        }
    }

    public void Never() => MatchesNothing = true;

    /// <summary>Adds that one of <paramref name="conditions"/> holds; with none, nothing matches.</summary>
    public void AnyOf(IReadOnlyCollection<string> conditions)
    {
        if (conditions.Count == 0)
        {
            Never();
        }
        else
        {
            Add(Or(conditions));
        }
    }

    public static string Or(IEnumerable<string> conditions) => $"({string.Join(" OR ", conditions)})";

    /// <summary>The parameters of the conditions and <paramref name="extra"/> (a page's limit and offset, say).</summary>
    public DynamicParameters With(object extra)
    {
        var all = new DynamicParameters(Parameters);
        all.AddDynamicParams(extra);
        return all;
    }
}
