using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Binding;

/// <summary>
/// How DPoP proofs are checked (docs/AUTHENTICATION.md#dpop, RFC 9449). <see cref="ReplayWindowSeconds"/>: <c>ANTI_REPLAY_TTL_S</c>
/// (300): the oldest <c>iat</c> accepted, and how long the caller keeps a proof <c>jti</c>, plus
/// <see cref="FutureSkew"/>. <see cref="NonceRequired"/>: <c>DPOP_NONCE_REQUIRED</c> (false): proofs must
/// carry a nonce this server issued. <see cref="Algorithms"/>: <c>DPOP_SIGNING_ALGS</c> (every supported
/// one), a comma-separated subset of <see cref="DpopAlgorithms.Supported"/>.
/// </summary>
internal sealed record DpopOptions(int ReplayWindowSeconds, bool NonceRequired, IReadOnlyList<string> Algorithms)
{
    /// <summary>How far in the future an <c>iat</c> may be: clients' clocks run a little ahead of ours.</summary>
    public TimeSpan FutureSkew { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A nonce is valid for the step it was issued in and the next one: between one and two steps.</summary>
    public TimeSpan NonceStep { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longer <c>DPoP</c> header values are refused before they are parsed (a 4096-bit RSA proof is ~1.5 KiB).</summary>
    public int MaxProofLength { get; init; } = 8 * 1024;

    /// <summary>How long a proof <c>jti</c> must be remembered: every accepted <c>iat</c> is within this of now.</summary>
    public TimeSpan ReplayHold => TimeSpan.FromSeconds(ReplayWindowSeconds) + FutureSkew;

    public static DpopOptions Default { get; } = new(300, false, DpopAlgorithms.Supported);

    public static DpopOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var algorithms = Settings.Csv(config["DPOP_SIGNING_ALGS"], DpopAlgorithms.Supported);
        if (algorithms.Count == 0 || algorithms.Any(a => !DpopAlgorithms.Supported.Contains(a, StringComparer.Ordinal)))
            throw new InvalidOperationException($"DPOP_SIGNING_ALGS must be a comma-separated subset of {string.Join(", ", DpopAlgorithms.Supported)}");
        return new(
            Settings.Int(config["ANTI_REPLAY_TTL_S"], "ANTI_REPLAY_TTL_S", 300, 1, 86_400),
            Settings.Bool(config["DPOP_NONCE_REQUIRED"], "DPOP_NONCE_REQUIRED", false),
            algorithms.Distinct(StringComparer.Ordinal).ToArray());
    }
}
