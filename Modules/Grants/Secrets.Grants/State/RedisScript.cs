using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Grants.State;

/// <summary>A Lua script with the SHA-1 that EVALSHA names it by.</summary>
internal sealed class RedisScript(string body)
{
    public string Body { get; } = body;

    /// <summary>The script's SHA-1, which is how EVALSHA names it.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "SHA-1 is the script identifier that EVALSHA defines, not a security measure.")]
    public byte[] Hash { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(body));
}
