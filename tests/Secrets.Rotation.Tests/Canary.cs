namespace Secrets.Rotation.Tests;

/// <summary>A value that must never show up outside the store and the read endpoints.</summary>
internal static class Canary
{
    public static string New() => "canary-7f3e" + Guid.NewGuid().ToString("N")[..12];

    public static void ShouldNotContainCanary(this string text, string canary, string where) =>
        text.Contains(canary, StringComparison.Ordinal).ShouldBeFalse($"the canary leaked into {where}: {text}");
}
