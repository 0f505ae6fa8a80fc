namespace Secrets.Audit.Tests;

/// <summary>One Server-Sent Events frame: its fields and the raw text it arrived as.</summary>
internal sealed record SseFrame(string? Id, string? Event, string? Data, string Raw);
