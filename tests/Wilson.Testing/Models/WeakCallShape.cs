namespace Wilson.Testing.Models;

/// <summary>How a <see cref="WeakCall"/> carries its arguments.</summary>
internal enum WeakCallShape
{
    /// <summary>As the protocol wants them (an object, or OpenAI's string holding one).</summary>
    Object,

    /// <summary>The object's JSON text as a JSON string.</summary>
    AsString,

    /// <summary>The object's JSON text cut in the middle; as <see cref="AsString"/> where the wire must carry valid JSON.</summary>
    Broken,
}
