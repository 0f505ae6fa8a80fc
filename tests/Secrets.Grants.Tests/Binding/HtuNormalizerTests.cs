using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>The htu comparison (RFC 9449 §4.3 with RFC 3986 §6.2.2–6.2.3 normalisation).</summary>
public sealed class HtuNormalizerTests
{
    [Theory]
    [InlineData("https://api.example.com/v1/x", "https://api.example.com/v1/x")]
    [InlineData("HTTPS://API.Example.COM/v1/x", "https://api.example.com/v1/x")]
    [InlineData("https://api.example.com:443/v1/x", "https://api.example.com/v1/x")]
    [InlineData("https://api.example.com:0443/v1/x", "https://api.example.com/v1/x")]
    [InlineData("http://api.example.com:80/v1/x", "http://api.example.com/v1/x")]
    [InlineData("https://api.example.com:80/v1/x", "https://api.example.com:80/v1/x")]
    [InlineData("http://api.example.com:443/v1/x", "http://api.example.com:443/v1/x")]
    [InlineData("https://api.example.com", "https://api.example.com/")]
    [InlineData("https://api.example.com?q=1", "https://api.example.com/")]
    [InlineData("https://api.example.com/v1/x?q=1#f", "https://api.example.com/v1/x")]
    [InlineData("https://api.example.com/v1/x#f?q", "https://api.example.com/v1/x")]
    [InlineData("https://api.example.com/%7Ev1/%41%2d%5F%2E", "https://api.example.com/~v1/A-_.")]
    [InlineData("https://api.example.com/a%2fb%c3%a9", "https://api.example.com/a%2Fb%C3%A9")]
    [InlineData("https://api.example.com/caf\u00e9", "https://api.example.com/caf%C3%A9")]
    [InlineData("https://api.example.com/a/./b/../c", "https://api.example.com/a/c")]
    [InlineData("https://api.example.com/a/%2E%2E/c", "https://api.example.com/c")]
    [InlineData("https://api.example.com/a/..", "https://api.example.com/")]
    [InlineData("https://[::1]:8443/x", "https://[::1]:8443/x")]
    [InlineData("https://[::1]:443/x", "https://[::1]/x")]
    [InlineData("https://127.0.0.1:5001/api/secrets/value", "https://127.0.0.1:5001/api/secrets/value")]
    public void Urls_normalise(string url, string expected) => HtuNormalizer.Normalize(url).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/api/secrets/value")]
    [InlineData("api.example.com/x")]
    [InlineData("ftp://api.example.com/x")]
    [InlineData("https:///x")]
    [InlineData("https://user:pw@api.example.com/x")]
    [InlineData("https://api.example.com:99999/x")]
    [InlineData("https://api.example.com:8a/x")]
    [InlineData("https://api.example.com/%zz")]
    [InlineData("https://api.example.com/%4")]
    [InlineData("https://[::1/x")]
    [InlineData("https://api.example.com\\x")]
    public void Unusable_urls_normalise_to_null(string? url) => HtuNormalizer.Normalize(url).ShouldBeNull();
}
