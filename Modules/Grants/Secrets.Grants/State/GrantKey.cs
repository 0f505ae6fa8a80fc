using System.Security.Cryptography;
using System.Text;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

/// <summary>
/// What a grant is for (docs/AUTHORIZATION.md#grants): subject, tenant, canonical URI and purpose. The caller's binding
/// is kept in the grant rather than in the key, so a changed binding finds the grant and is denied
/// instead of silently getting a grant of its own. <see cref="Value"/> is a SHA-256 digest, so keys
/// are fixed-length and no client-chosen text reaches the store's key space.
/// </summary>
internal readonly record struct GrantKey(string Value)
{
    public static GrantKey For(string tenantId, string subject, CanonicalSecretUri uri, Purpose purpose) =>
        Known.GetOrAdd((tenantId, subject, uri.ToString(), purpose), 0, static (k, _) =>
        {
            var material = string.Join('\n', k.Tenant, k.Subject, k.Uri, k.Purpose.Name());
            return new GrantKey(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material))));
        });

    /// <summary>Keys computed recently: the key is a pure function of what a grant is for.</summary>
    private static readonly BoundedCache<(string Tenant, string Subject, string Uri, Purpose Purpose), GrantKey> Known = new(4096);

    public override string ToString() => Value;
}
