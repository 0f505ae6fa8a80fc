namespace Secrets.Policy.Embedded;

/// <summary>A validated policy set, the file's stamp taken before it was read, and the text it came from.</summary>
internal sealed record LoadedPolicies(PolicySet Set, FileStamp Stamp, string Text);
