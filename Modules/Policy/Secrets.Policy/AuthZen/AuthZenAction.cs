namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenAction(string? Name);
