using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Configuration;
using Secrets.Testing;

namespace Secrets.Client.Tests;

/// <summary><c>AddSecretPointers</c> against a running host: resolved at startup, reloaded on an interval or on the event stream.</summary>
public sealed class SecretPointersTests : IDisposable
{
    private const string App = "openbao+kv2://secret/pointers/app";
    private readonly SecretsHostFactory host = new();
    private readonly SecretsClient api;

    public SecretPointersTests()
    {
        api = new SecretsClient(host.CreateClient());
    }

    public void Dispose() => host.Dispose();

    private ConfigurationRoot Build(Dictionary<string, string?> pointers, Action<SecretPointerOptions>? more = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(pointers)
            .AddSecretPointers(o =>
            {
                o.BaseAddress = new Uri("http://localhost");
                o.Handler = host.Server.CreateHandler();
                more?.Invoke(o);
            })
            .Build() as ConfigurationRoot ?? throw new InvalidOperationException("a ConfigurationBuilder builds a ConfigurationRoot");

    [Fact]
    public async Task Pointers_are_resolved_at_startup_into_the_key_without_the_suffix_and_never_into_the_environment()
    {
        await api.WriteAsync(App, JsonNode.Parse("""{"MY_API_KEY":"api-key-1","db":"x"}""")!);
        await api.WriteAsync("openbao+kv2://secret/pointers/db", JsonNode.Parse("""{"user":"app","password":"pw-1"}""")!);

        using var config = Build(new()
        {
            ["MY_API_KEY_POINTER"] = App + "#MY_API_KEY",
            ["Database:Pointer"] = "openbao+kv2://secret/pointers/db",
            ["PLAIN"] = "kept",
            ["NOT_A_URI_POINTER"] = "just text",
        });

        config["MY_API_KEY"].ShouldBe("api-key-1");
        config["Database:user"].ShouldBe("app");
        config["Database:password"].ShouldBe("pw-1");
        config["PLAIN"].ShouldBe("kept");
        config["NOT_A_URI"].ShouldBeNull();
        config["MY_API_KEY_POINTER"].ShouldBe(App + "#MY_API_KEY");
        Environment.GetEnvironmentVariable("MY_API_KEY").ShouldBeNull();
    }

    [Fact]
    public async Task A_pointer_to_a_missing_secret_stops_the_build_naming_the_key_and_the_code_but_no_value()
    {
        await api.WriteAsync(App, JsonNode.Parse("""{"MY_API_KEY":"canary-ptr-7d1"}""")!);

        var failure = Should.Throw<InvalidOperationException>(() => Build(new()
        {
            ["MY_API_KEY_POINTER"] = App + "#MY_API_KEY",
            ["OTHER_KEY_POINTER"] = App + "#MISSING",
        }));

        failure.Message.ShouldContain("OTHER_KEY_POINTER");
        failure.Message.ShouldContain("FRAGMENT_NOT_FOUND");
        failure.ToString().ShouldNotContain("canary-ptr-7d1");
    }

    [Fact]
    public async Task A_rotation_reaches_the_bound_options_within_the_reload_interval()
    {
        await api.WriteAsync(App, JsonNode.Parse("""{"MY_API_KEY":"before"}""")!);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var config = Build(new() { ["App:ApiKey:Pointer"] = App + "#MY_API_KEY" }, o =>
        {
            o.ReloadInterval = TimeSpan.FromMinutes(1);
            o.Time = time;
        });
        using var services = new ServiceCollection().Configure<AppSettings>(config.GetSection("App")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<AppSettings>>();
        var changed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(s => changed.TrySetResult(s.ApiKey));
        monitor.CurrentValue.ApiKey.ShouldBe("before");

        await api.RotateAsync(App + "#MY_API_KEY", JsonValue.Create("after"));
        time.Advance(TimeSpan.FromSeconds(30));
        monitor.CurrentValue.ApiKey.ShouldBe("before");   // not yet due
        time.Advance(TimeSpan.FromSeconds(31));

        (await changed.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe("after");
        monitor.CurrentValue.ApiKey.ShouldBe("after");
    }

    [Fact]
    public async Task A_rotation_reaches_the_configuration_through_the_event_stream()
    {
        await api.WriteAsync(App, JsonNode.Parse("""{"MY_API_KEY":"before"}""")!);
        using var config = Build(new() { ["MY_API_KEY_POINTER"] = App + "#MY_API_KEY" }, o => o.ReloadOnChange = true);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => changed.TrySetResult());

        // the provider sees changes once its stream is open: rotate until it has seen one (no reload interval is set)
        for (var i = 0; i < 50 && !changed.Task.IsCompleted; i++)
        {
            await api.RotateAsync(App + "#MY_API_KEY", JsonValue.Create("after"));
            await Task.WhenAny(changed.Task, Task.Delay(200));
        }

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        config["MY_API_KEY"].ShouldBe("after");
    }

    [Theory]
    [InlineData("MY_API_KEY_POINTER", "MY_API_KEY")]
    [InlineData("my_api_key_pointer", "my_api_key")]
    [InlineData("Db:Password:Pointer", "Db:Password")]
    [InlineData("_POINTER", null)]
    [InlineData("POINTER", null)]
    [InlineData("MY_API_KEY", null)]
    public void The_target_key_is_the_pointer_key_without_its_suffix(string key, string? target) =>
        SecretPointers.TargetOf(key).ShouldBe(target);

    public sealed class AppSettings
    {
        public string? ApiKey { get; set; }
    }
}
