using Wilson.Core.Items;

namespace Wilson.Core.Tests;

/// <summary>Work items in a known state, ready for the state machine.</summary>
internal static class TestItems
{
    public static WorkItem Item(
        WorkStatus status = WorkStatus.Ready,
        string stage = "plan",
        string pipeline = "standard",
        string key = "T-1") => new()
        {
            Id = 1,
            ProjectId = 1,
            Key = key,
            Title = "Add an export button",
            AcceptanceCriteria = ["the board has an export button"],
            Pipeline = pipeline,
            Stage = stage,
            Status = status,
        };
}
