namespace Wilson.Core.Storage;

/// <summary>The checks a query's page bounds get as they are set, so a bad bound fails where it is written, naming the property.</summary>
internal static class PageBounds
{
    public static int AtLeastOne(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, name);
        return value;
    }

    public static int NotNegative(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value, name);
        return value;
    }
}
