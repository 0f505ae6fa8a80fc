using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Configuration;

/// <summary>The pointers are the keys of the sources added before this one.</summary>
internal sealed class SecretPointerSource(SecretPointerOptions options) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        var earlier = new ConfigurationBuilder();
        foreach (var source in builder.Sources.TakeWhile(s => !ReferenceEquals(s, this)))
            earlier.Add(source);
        return new SecretPointerProvider(earlier.Build(), options);
    }
}
