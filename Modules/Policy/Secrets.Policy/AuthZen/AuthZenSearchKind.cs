namespace Secrets.Policy.AuthZen;

/// <summary>Which entity a search looks for (AuthZEN 1.0 §8.4-§8.6).</summary>
internal enum AuthZenSearchKind
{
    Subject,
    Resource,
    Action,
}
