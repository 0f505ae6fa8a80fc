using Secrets.Shared.Kernel;

namespace Secrets.Policy.Contracts;

/// <summary>One question for the PDP: may the caller use <see cref="Uri"/> for <see cref="Purpose"/>?</summary>
public sealed record AccessQuestion(CanonicalSecretUri Uri, Purpose Purpose, ResourceAttributes Attributes);
