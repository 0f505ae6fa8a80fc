using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Yaml;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv.Yaml;

/// <summary>
/// The contract against the YAML dev store on a temp file. Each <see cref="CreateStoreAsync"/>
/// opens the file afresh, so a second store in a test reads what the first wrote to disk.
/// </summary>
public sealed class YamlKvStoreContractTests : KvStoreContract, IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "yaml-contract-tests", Guid.NewGuid().ToString("N"));
    private readonly string file;
    private readonly List<AtomicYamlFile> opened = [];

    public YamlKvStoreContractTests()
    {
        Directory.CreateDirectory(dir);
        file = Path.Combine(dir, "secrets.yaml");
        File.WriteAllText(file, "secret:\n  seeded:\n    k: \"v\"\n");
    }

    private protected override Task<IKvStore> CreateStoreAsync()
    {
        var yaml = new AtomicYamlFile(file);
        lock (opened)
            opened.Add(yaml);
        return Task.FromResult<IKvStore>(new YamlKvStore(yaml, DeploymentProfile.Test));
    }

    public void Dispose()
    {
        foreach (var yaml in opened)
            yaml.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
