namespace Wilson.Testing.Models;

/// <summary>What an injected fault did to a request.</summary>
/// <param name="Answered">True when the fault was the response (an error, or a hang that ended); nothing more is to be written.</param>
/// <param name="Fault">The fault taken, if any; when not <paramref name="Answered"/>, a stream fault for the <see cref="AnswerWriter"/> (or null).</param>
internal readonly record struct FaultOutcome(bool Answered, FakeFault? Fault);
