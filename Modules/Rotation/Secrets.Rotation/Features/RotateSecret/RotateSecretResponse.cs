using System.Text.Json.Serialization;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

/// <summary>The rotated secret and its new version; the generated value only when <c>return_value</c> asked for it.</summary>
internal sealed record RotateSecretResponse(
    string Uri, int? Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SecretValue? Value = null);
