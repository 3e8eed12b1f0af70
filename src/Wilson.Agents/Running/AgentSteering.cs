namespace Wilson.Agents.Running;

/// <summary>
/// What a person does to a running agent, honoured between its steps: pause (it stops before its next
/// step and resumes with its context), and feedback (it reads it as a message before its next turn).
/// Thread-safe: the person's side calls it from anywhere.
/// </summary>
public sealed class AgentSteering
{
    private readonly Lock _gate = new();
    private readonly List<string> _feedback = [];
    private TaskCompletionSource? _resumed;

    public bool Paused
    {
        get
        {
            lock (_gate)
            {
                return _resumed is not null;
            }
        }
    }

    public void Pause()
    {
        lock (_gate)
        {
            _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            resumed = _resumed;
            _resumed = null;
        }

        resumed?.TrySetResult();
    }

    public void AddFeedback(string text)
    {
        lock (_gate)
        {
            _feedback.Add(text);
        }
    }

    /// <summary>Returns at once unless paused; then when resumed (or cancelled).</summary>
    public Task WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _resumed is null ? Task.CompletedTask : _resumed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The feedback given since the last call, oldest first; each piece is taken once.</summary>
    public IReadOnlyList<string> TakeFeedback()
    {
        lock (_gate)
        {
            var taken = _feedback.ToList();
            _feedback.Clear();
            return taken;
        }
    }
}
