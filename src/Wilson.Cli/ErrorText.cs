namespace Wilson.Cli;

/// <summary>An exception's message as one line a person can read.</summary>
internal static class ErrorText
{
    public static string Of(Exception exception)
    {
        var message = exception.Message;
        if (exception is ArgumentException { ParamName: { } parameter })
        {
            message = message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal);
        }

        // Npgsql says "Failed to connect to host:port" and keeps the reason in the inner exception.
        if (exception.InnerException is { Message: { Length: > 0 } inner } && !message.Contains(inner, StringComparison.Ordinal))
        {
            message = $"{message} ({inner})";
        }

        return OneLine(message);
    }

    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
