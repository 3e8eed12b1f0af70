namespace Wilson.Orchestration.Oversight;

/// <summary>An action a person asked for that cannot be done as asked; the message says why and what is possible.</summary>
public sealed class OversightException(string message) : Exception(message);
