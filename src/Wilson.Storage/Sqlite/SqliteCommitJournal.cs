using Wilson.Core.Events;
using Wilson.Storage.Sql;

namespace Wilson.Storage.Sqlite;

/// <summary>
/// The events the writer has inserted in the transaction it is building, handed on when it commits: so this process's
/// watchers get them in memory instead of reading back what it just wrote. Used on the writer's thread only; a write
/// undone (its savepoint rolled back, or the whole transaction) takes its events with it.
/// </summary>
internal sealed class SqliteCommitJournal(Action<IReadOnlyList<WorkEvent>> committed)
{
    private readonly List<EventRow> _rows = [];

    /// <summary>Where the events of the next write begin.</summary>
    public int Mark => _rows.Count;

    /// <summary>Notes an event inserted, its sequence assigned.</summary>
    public void Add(EventRow row) => _rows.Add(row);

    /// <summary>A write was undone alone: its events go.</summary>
    public void RollBackTo(int mark) => _rows.RemoveRange(mark, _rows.Count - mark);

    /// <summary>The transaction failed: none of its events happened.</summary>
    public void Discard() => _rows.Clear();

    /// <summary>The transaction committed: its events are handed on, in sequence order.</summary>
    public void Commit()
    {
        if (_rows.Count == 0)
        {
            return;
        }

        var events = _rows.ConvertAll(r => r.ToEvent());
        _rows.Clear();
        committed(events);
    }
}
