namespace Secrets.Providers.Tests.Kv;

/// <summary>The environment variables a contract test class needs, and the skip message when one is missing.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RequiresEnvironmentAttribute(string reason, params string[] variables) : Attribute
{
    public string Reason { get; } = reason;

    public IReadOnlyList<string> Variables { get; } = variables;

    public static bool AllSet(IEnumerable<string> variables) =>
        variables.All(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)));
}
