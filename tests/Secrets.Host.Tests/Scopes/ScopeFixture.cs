using System.Text.RegularExpressions;
using Secrets.Testing;

namespace Secrets.Host.Tests.Scopes;

/// <summary>The secrets of one test and the placeholders request templates use for them.</summary>
public sealed partial class ScopeFixture(string id)
{
    public string Id { get; } = id;
    public string KvPath => "scopes/" + Id;
    public string Yaml => "yaml://secret/scopes/" + Id;
    public string Kv => "openbao+kv2://secret/" + KvPath;

    /// <summary>
    /// Replaces <c>{Y}</c>, <c>{K}</c> (the secrets), <c>{Y2}</c>, <c>{K2}</c> (destinations that do not
    /// exist), <c>{YP}</c>, <c>{KP}</c> (the parent folder), <c>{YS}</c>, <c>{KS}</c> (the parent with
    /// <c>/*</c>), each optionally with a <c>#fragment</c>; escaped for a query when <paramref name="query"/>.
    /// </summary>
    public string Fill(string template, bool query) => Placeholder().Replace(template, m =>
    {
        var uri = m.Groups[1].Value switch
        {
            "Y" => Yaml,
            "K" => Kv,
            "Y2" => Yaml + "-dest",
            "K2" => Kv + "-dest",
            "YP" => "yaml://secret/scopes",
            "KP" => "openbao+kv2://secret/scopes",
            "YS" => "yaml://secret/scopes/*",
            _ => "openbao+kv2://secret/scopes/*",
        } + m.Groups[2].Value;
        return query ? HttpAssertions.Q(uri) : uri;
    });

    [GeneratedRegex(@"\{(Y|K|Y2|K2|YP|KP|YS|KS)(#\w+)?\}")]
    private static partial Regex Placeholder();
}
