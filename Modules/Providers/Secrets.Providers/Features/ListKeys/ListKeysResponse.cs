namespace Secrets.Providers.Features.ListKeys;

/// <summary>The names one level below a path; <see cref="Filtered"/>: only those the caller may see (docs/API.md).</summary>
internal sealed record ListKeysResponse(string Uri, IReadOnlyList<string> Keys, bool Filtered);
