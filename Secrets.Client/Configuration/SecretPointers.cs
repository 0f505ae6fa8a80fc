using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Configuration;

/// <summary><c>builder.Configuration.AddSecretPointers()</c>: configuration keys that point at secrets get their values.</summary>
public static class SecretPointers
{
    /// <summary>
    /// Every key ending in <c>_POINTER</c> or <c>:Pointer</c> whose value is a canonical secret URI is read through the
    /// service when the configuration is built, and its value is set under the key without the suffix
    /// (<c>MY_API_KEY_POINTER=openbao+kv2://secret/app#MY_API_KEY</c> gives <c>MY_API_KEY</c>); a URI without a key
    /// gives one entry per key of the map (<c>DB_POINTER=…/db</c> gives <c>DB:user</c>, <c>DB:password</c>). Values live
    /// only in this configuration, never in the process environment. A pointer that cannot be read stops the
    /// build with an error that names the key and the problem's code, never a value. Add it after the sources that hold
    /// the pointers.
    /// </summary>
    public static IConfigurationBuilder AddSecretPointers(this IConfigurationBuilder builder, Action<SecretPointerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SecretPointerOptions();
        configure?.Invoke(options);
        return builder.Add(new SecretPointerSource(options));
    }

    /// <summary>The key a pointer's value is set under, or null when <paramref name="key"/> is not a pointer.</summary>
    public static string? TargetOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > "_POINTER".Length && key.EndsWith("_POINTER", StringComparison.OrdinalIgnoreCase))
            return key[..^"_POINTER".Length];
        if (key.Length > ":Pointer".Length && key.EndsWith(":Pointer", StringComparison.OrdinalIgnoreCase))
            return key[..^":Pointer".Length];
        return null;
    }
}
