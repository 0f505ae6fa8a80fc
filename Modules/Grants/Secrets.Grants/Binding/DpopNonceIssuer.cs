using System.Buffers.Binary;
using System.Security.Cryptography;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Binding;

/// <summary>
/// Stateless server nonces for DPoP (RFC 9449 §9): base64url(time step ‖ HMAC-SHA-256(key, time step)[..16]).
/// A nonce is accepted during the step it was issued in and the next one. The service derives the key
/// from the tenant salt (<see cref="TenantContext.DeriveKey"/>), so every node of a tenant honours the
/// nonces of the others behind a load balancer; without a key (tests) it is random per instance.
/// </summary>
internal sealed class DpopNonceIssuer
{
    /// <summary>The response header that carries a fresh nonce (RFC 9449 §8, §9).</summary>
    public const string HeaderName = "DPoP-Nonce";

    private const int StepBytes = sizeof(long);
    private const int MacBytes = 16;

    /// <summary>The purpose the nonce key is derived for from the tenant salt.</summary>
    public const string KeyPurpose = "secrets/dpop-nonce/v1";

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly long _stepSeconds;

    public DpopNonceIssuer(TimeProvider time, DpopOptions options, byte[]? key = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if (key is { Length: < 32 })
            throw new ArgumentException("the nonce key needs at least 32 bytes", nameof(key));
        _key = key ?? RandomNumberGenerator.GetBytes(32);
        _time = time;
        _stepSeconds = Math.Max(1, (long)options.NonceStep.TotalSeconds);
    }

    /// <summary>A nonce for the current step: the value of a <c>DPoP-Nonce</c> response header.</summary>
    public string Issue() => Mint(CurrentStep());

    public bool IsValid(string? nonce)
    {
        if (nonce is null || nonce.Length != 32 || !Base64UrlStrict.TryDecode(nonce, out var bytes) || bytes.Length != StepBytes + MacBytes)
            return false;
        var step = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var current = CurrentStep();
        if (step != current && step != current - 1)
            return false;
        return CryptographicOperations.FixedTimeEquals(bytes.AsSpan(StepBytes), Mac(step));
    }

    private long CurrentStep() => _time.GetUtcNow().ToUnixTimeSeconds() / _stepSeconds;

    private string Mint(long step)
    {
        Span<byte> bytes = stackalloc byte[StepBytes + MacBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, step);
        Mac(step).CopyTo(bytes[StepBytes..]);
        return Base64UrlStrict.Encode(bytes);
    }

    private byte[] Mac(long step)
    {
        Span<byte> input = stackalloc byte[StepBytes];
        BinaryPrimitives.WriteInt64BigEndian(input, step);
        return HMACSHA256.HashData(_key, input)[..MacBytes];
    }
}
