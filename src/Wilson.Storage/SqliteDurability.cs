namespace Wilson.Storage;

/// <summary>SQLite's <c>synchronous</c> setting in WAL mode: NORMAL may lose the last commits on power loss, never on a process crash.</summary>
public enum SqliteDurability
{
    Normal,
    Full,
}
