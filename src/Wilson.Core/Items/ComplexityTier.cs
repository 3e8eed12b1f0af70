namespace Wilson.Core.Items;

/// <summary>How hard an item is; it decides whether and which model works on it.</summary>
public enum ComplexityTier
{
    /// <summary>Mechanical work a model is not needed for (docs, typos, renames).</summary>
    Trivial,

    /// <summary>Ordinary work for a local model.</summary>
    Standard,

    /// <summary>Work that touches several files, schemas, auth or security.</summary>
    Complex,
}
