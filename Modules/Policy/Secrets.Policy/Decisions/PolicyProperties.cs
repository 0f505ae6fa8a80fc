using System.Text.Json;

namespace Secrets.Policy.Decisions;

/// <summary>
/// The <c>properties</c> of subject, resource and action and the <c>context</c> exactly as an AuthZEN request
/// carried them (AuthZEN 1.0 §5.1.1, §5.4): every member, known or not, for the PDP to see. The embedded
/// policy language reads only the members <see cref="PolicyRequest"/> maps; null where the request had none.
/// </summary>
internal sealed record PolicyProperties(JsonElement? Subject, JsonElement? Resource, JsonElement? Action, JsonElement? Context);
