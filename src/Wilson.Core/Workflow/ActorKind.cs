namespace Wilson.Core.Workflow;

/// <summary>Who acts: a person, an agent in a role, or Wilson itself.</summary>
[Flags]
public enum ActorKind
{
    Person = 1,
    Agent = 2,
    System = 4,
}
