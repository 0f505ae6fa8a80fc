using Microsoft.Extensions.Time.Testing;
using Secrets.Grants.Binding;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// One request to check a proof against: a fixed clock, a GET of a secret's value with a bound token, the
/// client's key and a proof that starts valid. Tests break one thing and run <see cref="Validate"/>.
/// </summary>
internal sealed class DpopTestBed
{
    public const string Method = "GET";
    public const string Url = "https://secrets.example.com/api/secrets/value";
    /// <summary>A canary: it must never appear in an error description.</summary>
    public const string Token = "canary-at-5f1c2d9e.Kq~LrZ_token";
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Shared keys: RSA generation is slow, and the tests never mutate them.</summary>
    public static readonly ProofKey Es256 = ProofKey.Ec("ES256");
    public static readonly ProofKey OtherEs256 = ProofKey.Ec("ES256");
    public static readonly ProofKey Rs256 = ProofKey.Rsa("RS256");

    public DpopTestBed(ProofKey? key = null, DpopOptions? options = null)
    {
        Options = options ?? DpopOptions.Default;
        Nonces = new DpopNonceIssuer(Time, Options);
        Key = key ?? Es256;
        Proof = new DpopProofBuilder(Key, Method, Url, Start, Token);
        ExpectedThumbprint = Key.Thumbprint;
    }

    public FakeTimeProvider Time { get; } = new(Start);
    public DpopOptions Options { get; }
    public DpopNonceIssuer Nonces { get; }
    public ProofKey Key { get; }
    public DpopProofBuilder Proof { get; }

    public string RequestMethod { get; set; } = Method;
    public string RequestUrl { get; set; } = Url;
    public string AccessToken { get; set; } = Token;
    public string ExpectedThumbprint { get; set; }
    public bool? RequireNonce { get; set; }

    /// <summary>The DPoP header values sent; null sends the built proof once.</summary>
    public IReadOnlyList<string?>? Headers { get; set; }

    /// <summary>Edits the built (signed) proof before it is sent.</summary>
    public Func<string, string>? Tamper { get; set; }

    /// <summary>The last proof sent.</summary>
    public string? Sent { get; private set; }

    public DpopProofValidator Validator() => new(Options, Nonces, Time);

    public DpopProofResult Validate()
    {
        var headers = Headers;
        if (headers is null)
        {
            var proof = Proof.Build();
            Sent = Tamper is null ? proof : Tamper(proof);
            headers = [Sent];
        }
        return Validator().Validate(new DpopProofRequest(RequestMethod, RequestUrl, headers, AccessToken, ExpectedThumbprint)
        {
            RequireNonce = RequireNonce,
        });
    }
}
