namespace Wilson.Core.Storage;

/// <summary>Why a write to the store was refused.</summary>
public enum WriteFailure
{
    None,
    NotFound,
    InvalidInput,
    TransitionRefused,
    StaleVersion,
    LeaseLost,
}
