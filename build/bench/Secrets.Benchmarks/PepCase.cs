namespace Secrets.Benchmarks;

/// <summary>A benchmark case: "Off", or [Copy]Hit|[Copy]Miss "/" InMemory|Redis.</summary>
internal sealed record PepCase(bool Enforce, bool Hit, bool Redis, bool Copy)
{
    public int Uses => Copy ? 2 : 1;

    public static PepCase Parse(string name)
    {
        if (name == "Off")
            return new PepCase(false, false, false, false);
        var parts = name.Split('/');
        var copy = parts[0].StartsWith("Copy", StringComparison.Ordinal);
        var cache = copy ? parts[0]["Copy".Length..] : parts[0];
        return parts is [_, "InMemory" or "Redis"] && cache is "Hit" or "Miss"
            ? new PepCase(true, cache == "Hit", parts[1] == "Redis", copy)
            : throw new ArgumentException($"unknown case '{name}'", nameof(name));
    }
}
