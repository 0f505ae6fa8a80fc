namespace Secrets.Testing.Kv2Conformance;

/// <summary>One case of the KV v2 table (kv2-cases.yaml): the requests run first, the request under test, follow-ups.</summary>
public sealed record Kv2Case(
    string Id,
    string Source,
    string? Since,
    string? Vault,
    IReadOnlyList<Kv2Step> Given,
    Kv2Step Request,
    IReadOnlyList<Kv2Step> Then)
{
    public override string ToString() => Id;
}
