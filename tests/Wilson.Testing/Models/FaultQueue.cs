namespace Wilson.Testing.Models;

/// <summary>The injected faults still to happen, in the order they were queued.</summary>
internal sealed class FaultQueue
{
    private readonly List<Pending> _pending = [];

    public void Add(FakeFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(fault.Times, 1, nameof(fault));
        lock (_pending)
        {
            _pending.Add(new Pending(fault, fault.Times));
        }
    }

    /// <summary>Takes one use of the first fault matching the request, if any.</summary>
    /// <param name="path">The request path.</param>
    /// <param name="model">The model asked for, if any.</param>
    /// <param name="answering">True for the endpoints that answer (chat, generate, completions, messages).</param>
    public FakeFault? Take(string path, string? model, bool answering)
    {
        lock (_pending)
        {
            var match = _pending.FirstOrDefault(p => Matches(p.Fault, path, model, answering));
            if (match is null)
            {
                return null;
            }

            if (--match.Left == 0)
            {
                _pending.Remove(match);
            }

            return match.Fault;
        }
    }

    private static bool Matches(FakeFault fault, string path, string? model, bool answering) =>
        (fault.Path is null ? answering : string.Equals(fault.Path, path, StringComparison.OrdinalIgnoreCase))
        && (fault.Model is null || (model is not null && ModelNames.Same(fault.Model, model)));

    private sealed class Pending(FakeFault fault, int left)
    {
        public FakeFault Fault { get; } = fault;

        public int Left { get; set; } = left;
    }
}
