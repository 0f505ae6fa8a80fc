using System.Text.Json.Nodes;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// What the provider's client made of an answer: <see cref="Kind"/> (<c>ok</c>, <c>not-found</c>,
/// <c>not-found-with-metadata</c>, <c>metadata-cas-required</c>, <c>metadata-cas-conflict</c>, or the problem code it
/// raised) and, when it decoded a body, that body written back in the wire's member names.
/// </summary>
internal sealed record Kv2ClientOutcome(string Kind, JsonNode? Body = null);
