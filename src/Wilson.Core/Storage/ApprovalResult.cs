using Wilson.Core.Workflow;

namespace Wilson.Core.Storage;

/// <summary>The recorded decision, or why it was refused.</summary>
public sealed record ApprovalResult(Approval? Approval, WriteFailure Failure, string? Error)
{
    public bool Succeeded => Approval is not null;

    public static ApprovalResult Success(Approval approval) => new(approval, WriteFailure.None, null);

    public static ApprovalResult Refused(WriteFailure failure, string error) => new(null, failure, error);
}
