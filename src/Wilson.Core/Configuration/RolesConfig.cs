using Wilson.Core.Roles;

namespace Wilson.Core.Configuration;

/// <summary>The <c>roles</c> section of <c>wilson.yaml</c>: each role's tools and territory, the defaults where not given.</summary>
public sealed record RolesConfig
{
    public static readonly RolesConfig Default = new();

    /// <summary>The policy of every role.</summary>
    public IReadOnlyDictionary<string, RolePolicy> Policies { get; init; } = RoleCatalog.Defaults;

    /// <summary>The policy of <paramref name="role"/>; a role Wilson does not know gets none of the tools.</summary>
    public RolePolicy For(string role) => Policies.GetValueOrDefault(role) ?? new RolePolicy([], []);
}
