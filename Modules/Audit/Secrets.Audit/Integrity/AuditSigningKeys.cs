using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Integrity;

/// <summary>
/// The node's audit signing key: read once through <see cref="IAuditSigningKeyResolver"/> from
/// <c>AUDIT_SIGNING_KEY_POINTER</c>, or, without a pointer (dev and test), generated at start. Until the
/// key can be read it answers 503 <c>PROVIDER_UNAVAILABLE</c>; a failed read is tried again next time.
/// </summary>
internal sealed class AuditSigningKeys(AuditIntegrityOptions options, IServiceProvider services) : IDisposable
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private AuditSigningKey? key = options.SigningKeyPointer is null ? AuditSigningKey.Generate() : null;

    /// <summary>The key once known; null while a pointer has not been read yet.</summary>
    public AuditSigningKey? Current => Volatile.Read(ref key);

    public async ValueTask<AuditSigningKey> CurrentAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref key) is { } known)
            return known;
        await loading.WaitAsync(ct);
        try
        {
            if (key is not null)
                return key;
            var resolver = services.GetService<IAuditSigningKeyResolver>() ?? throw new SecretsProblem(ErrorCode.ProviderUnavailable);
            var value = await resolver.ResolveAsync(options.SigningKeyPointer!, ct);
            var seed = value.Reveal() is { } node && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
            var loaded = AuditSigningKey.FromBase64Seed(seed ?? throw new InvalidOperationException("the audit signing key must be a base64 32-byte Ed25519 seed"));
            Volatile.Write(ref key, loaded);
            return loaded;
        }
        finally
        {
            loading.Release();
        }
    }

    public void Dispose()
    {
        key?.Dispose();
        loading.Dispose();
    }
}
