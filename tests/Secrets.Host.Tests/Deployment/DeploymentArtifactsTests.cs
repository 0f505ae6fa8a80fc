using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Secrets.Testing;
using Secrets.Testing.Auth;
using YamlDotNet.RepresentationModel;

namespace Secrets.Host.Tests.Deployment;

/// <summary>
/// The deployment artifacts under deploy/ (docs/deploy.md): <c>build/check-deploy.sh</c> passes on them and fails
/// on a broken one; the Kubernetes manifests keep what a production rollout relies on; every variable they and the
/// systemd files set is a setting the service documents and reads; and their example settings start the host in the
/// prod profile, where the image's HEALTHCHECK sees it live.
/// </summary>
public sealed partial class DeploymentArtifactsTests
{
    private const string App = "secrets-platform";

    /// <summary>Variables the artifacts set that .NET reads, not the service (docs/deploy.md#the-single-file-binary).</summary>
    private static readonly HashSet<string> RuntimeVariables = new(StringComparer.Ordinal) { "DOTNET_BUNDLE_EXTRACT_BASE_DIR" };

    /// <summary>Documented settings ASP.NET Core reads under another key (<c>http_ports</c>), so no literal names them.</summary>
    private static readonly HashSet<string> FrameworkSettings = new(StringComparer.Ordinal) { "ASPNETCORE_HTTP_PORTS" };

    [Fact]
    public async Task Check_script_passes_on_the_artifacts()
    {
        var (exit, output) = await RunCheckAsync(RepoPaths.Of("deploy"));

        exit.ShouldBe(0, output);
        output.ShouldContain("ok   systemd: systemd-analyze verify secrets-platform.service");
        output.ShouldContain("ok   Deployment/secrets-platform");
        output.ShouldContain("ok   NetworkPolicy/secrets-platform");
        output.ShouldContain("ok   PodDisruptionBudget/secrets-platform");
        output.ShouldContain("ok   Secret/secrets-platform-secrets");
        output.ShouldContain("ok   container: COPY artifacts/publish/Secrets.Host, USER 1654, EXPOSE 9100, HEALTHCHECK /health/live");
        output.ShouldContain("check-deploy: all checks passed");
    }

    [Theory]
    [InlineData("systemd/secrets-platform.service", "ProtectHome=yes", "ProtectHome=maybe", "FAIL systemd", false)]
    [InlineData("systemd/secrets-platform.service", "NoNewPrivileges=yes", "NoNewPrivilege=yes", "FAIL systemd", false)]
    [InlineData("kubernetes/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", "readOnlyRootFileSystem: unknown field", false)]
    [InlineData("kubernetes/deployment.yaml", "replicas: 3", "replicas: three", "spec/replicas must be integer", false)]
    [InlineData("kubernetes/kustomization.yaml", "  - networkpolicy.yaml", "  - network-policy.yaml", "FAIL kubernetes", false)]
    [InlineData("container/Containerfile", "USER 1654:1654", "USER root", "FAIL container: USER is 'root'", false)]
    [InlineData("container/Containerfile", "GET /health/live", "GET /healthz", "FAIL container: HEALTHCHECK", false)]
    public async Task Check_script_fails_on_a_broken_artifact(string file, string intact, string broken, string expected, bool image)
    {
        var copy = Path.Combine(Path.GetTempPath(), "secrets-deploy", Guid.NewGuid().ToString("N"));
        CopyDirectory(RepoPaths.Of("deploy"), copy);
        try
        {
            var path = Path.Combine(copy, file);
            var text = await File.ReadAllTextAsync(path);
            text.ShouldContain(intact);
            await File.WriteAllTextAsync(path, text.Replace(intact, broken, StringComparison.Ordinal));

            var (exit, output) = await RunCheckAsync(copy, image);

            exit.ShouldBe(1, output);
            output.ShouldContain(expected, Case.Sensitive, output);
            output.ShouldContain("check-deploy: ");
            output.ShouldNotContain("all checks passed");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Deployment_runs_several_replicas_probed_on_the_port_the_service_listens_on()
    {
        var deployment = Manifest("Deployment");
        var settings = ConfigMapData();
        var container = (YamlMappingNode)Seq(deployment, "spec", "template", "spec", "containers").Single();
        var port = (YamlMappingNode)Seq(container, "ports").Single();

        int.Parse(Str(deployment, "spec", "replicas")).ShouldBeGreaterThanOrEqualTo(2);
        Str(port, "containerPort").ShouldBe(settings["ASPNETCORE_HTTP_PORTS"]);
        Str(port, "name").ShouldBe("http");
        Str(container, "readinessProbe", "httpGet", "path").ShouldBe("/health/ready");
        Str(container, "readinessProbe", "httpGet", "port").ShouldBe("http");
        Str(container, "livenessProbe", "httpGet", "path").ShouldBe("/health/live");
        Str(container, "livenessProbe", "httpGet", "port").ShouldBe("http");
        Str(container, "startupProbe", "httpGet", "path").ShouldBe("/health/live");
        Str(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable").ShouldBe("0");
        Seq(container, "envFrom").Select(e => ((YamlMappingNode)e).Children.Values.OfType<YamlMappingNode>().Single()["name"].ToString())
            .ShouldBe(["secrets-platform-settings", "secrets-platform-secrets"]);
        Seq(deployment, "spec", "template", "spec", "topologySpreadConstraints").Select(c => Str(c, "topologyKey"))
            .ShouldBe(["topology.kubernetes.io/zone", "kubernetes.io/hostname"], ignoreOrder: true);

        var service = Manifest("Service");
        var servicePort = (YamlMappingNode)Seq(service, "spec", "ports").Single();
        Str(servicePort, "targetPort").ShouldBe("http");
        Labels(service, "spec", "selector").ShouldBe(PodLabels());
    }

    [Fact]
    public void Pod_and_container_run_non_root_read_only_without_capabilities_under_the_default_seccomp_profile()
    {
        var pod = (YamlMappingNode)Node(Manifest("Deployment"), "spec", "template", "spec");
        var container = (YamlMappingNode)Seq(pod, "containers").Single();

        Str(pod, "securityContext", "runAsNonRoot").ShouldBe("true");
        int.Parse(Str(pod, "securityContext", "runAsUser")).ShouldBeGreaterThan(0);
        Str(pod, "securityContext", "seccompProfile", "type").ShouldBe("RuntimeDefault");
        Str(pod, "automountServiceAccountToken").ShouldBe("false");
        Str(container, "securityContext", "runAsNonRoot").ShouldBe("true");
        Str(container, "securityContext", "readOnlyRootFilesystem").ShouldBe("true");
        Str(container, "securityContext", "allowPrivilegeEscalation").ShouldBe("false");
        Seq(container, "securityContext", "capabilities", "drop").Select(n => n.ToString()).ShouldBe(["ALL"]);
        Str(container, "securityContext", "seccompProfile", "type").ShouldBe("RuntimeDefault");
        Node(container, "securityContext", "capabilities").ShouldBeOfType<YamlMappingNode>().Children.Keys.Select(k => k.ToString()).ShouldBe(["drop"]);

        // the writable places a read-only root needs: /tmp (native libraries, restore uploads) and the outbox
        var mounts = Seq(container, "volumeMounts").ToDictionary(m => Str(m, "mountPath"), m => Str(m, "name"));
        var settings = ConfigMapData();
        mounts.ShouldContainKey("/tmp");
        mounts.ShouldContainKey(settings["AUDIT_OUTBOX_PATH"]);
        Env(container)["DOTNET_BUNDLE_EXTRACT_BASE_DIR"].ShouldBe("/tmp");
        var volumes = Seq(pod, "volumes").ToDictionary(v => Str(v, "name"), v => (YamlMappingNode)v);
        volumes[mounts["/tmp"]].Children.Keys.Select(k => k.ToString()).ShouldContain("emptyDir");
        volumes[mounts[settings["AUDIT_OUTBOX_PATH"]]].Children.Keys.Select(k => k.ToString()).ShouldContain("emptyDir");
    }

    [Fact]
    public void Disruption_budget_and_network_policy_select_the_pods_and_open_only_the_service_port()
    {
        var budget = Manifest("PodDisruptionBudget");
        var spec = (YamlMappingNode)Node(budget, "spec");
        (spec.Children.ContainsKey("minAvailable") || spec.Children.ContainsKey("maxUnavailable")).ShouldBeTrue("minAvailable or maxUnavailable");
        Labels(budget, "spec", "selector", "matchLabels").ShouldBe(PodLabels());

        var policy = Manifest("NetworkPolicy");
        Labels(policy, "spec", "podSelector", "matchLabels").ShouldBe(PodLabels());
        Seq(policy, "spec", "policyTypes").Select(n => n.ToString()).ShouldBe(["Ingress", "Egress"], ignoreOrder: true);
        var ingressPorts = Seq(policy, "spec", "ingress").SelectMany(r => Seq(r, "ports")).Select(p => Str(p, "port")).ToList();
        ingressPorts.ShouldBe([ConfigMapData()["ASPNETCORE_HTTP_PORTS"]]);
        var egressPorts = Seq(policy, "spec", "egress").SelectMany(r => Seq(r, "ports")).Select(p => (Str(p, "port"), Str(p, "protocol"))).ToList();
        egressPorts.ShouldContain(("53", "UDP"));
        egressPorts.ShouldContain(("53", "TCP"));
        egressPorts.ShouldContain(("6379", "TCP"));   // Redis
        egressPorts.ShouldContain(("8200", "TCP"));   // OpenBao
        egressPorts.ShouldContain(("9093", "TCP"));   // Kafka
        egressPorts.ShouldContain(("443", "TCP"));    // the PDP and the issuer
        Seq(policy, "spec", "egress").ShouldAllBe(r => ((YamlMappingNode)r).Children.ContainsKey("to"));   // no rule open to everywhere
    }

    [Fact]
    public void Every_variable_the_artifacts_set_is_a_documented_setting_the_service_reads()
    {
        var documented = DocumentedSettings();
        var literals = SourceLiterals();
        var set = ArtifactVariables();

        set.Count.ShouldBeGreaterThan(25);
        foreach (var (name, where) in set)
        {
            if (RuntimeVariables.Contains(name))
                continue;
            var kv2 = Kv2Name().Match(name);   // OPENBAO_X and HASHICORP_X are documented as VAULT_X
            (documented.Contains(name) || (kv2.Success && documented.Contains("VAULT_" + kv2.Groups[1].Value)))
                .ShouldBeTrue($"{name} ({where}) is not a setting docs/CONFIGURATION.md documents");
            if (FrameworkSettings.Contains(name))
                continue;
            var read = literals.Contains(name) || (kv2.Success && literals.Contains(kv2.Groups[1].Value));
            read.ShouldBeTrue($"{name} ({where}) is read nowhere in the service's code");
        }
        RuntimeVariables.ShouldAllBe(v => File.ReadAllText(RepoPaths.Of("docs", "deploy.md")).Contains(v, StringComparison.Ordinal));
    }

    [Fact]
    public void Secret_settings_are_in_the_kubernetes_secret_and_not_in_the_config_map()
    {
        var secret = Mapping(Document(RepoPaths.Of("deploy", "kubernetes", "secret.example.yaml")), "stringData").Keys.ToHashSet(StringComparer.Ordinal);
        var settings = ConfigMapData();

        settings.Keys.Where(IsSecret).ShouldBeEmpty();
        secret.Where(k => !IsSecret(k)).ShouldBeEmpty();
        secret.ShouldBe(["TENANT_SALT", "OPENBAO_ROLE_ID", "OPENBAO_SECRET_ID", "PDP_TOKEN", "REDIS_URL", "KAFKA_SASL_PASSWORD"], ignoreOrder: true);
        settings.Keys.Intersect(secret).ShouldBeEmpty();

        static bool IsSecret(string key) => key is "TENANT_SALT" or "REDIS_URL" or "OPENBAO_ROLE_ID"
            || key.EndsWith("_SECRET_ID", StringComparison.Ordinal) || key.EndsWith("_TOKEN", StringComparison.Ordinal)
            || key.EndsWith("_PASSWORD", StringComparison.Ordinal) || key.EndsWith("_SALT", StringComparison.Ordinal);
    }

    public static TheoryData<string> SettingSources => new() { "systemd", "kubernetes" };

    [Theory]
    [MemberData(nameof(SettingSources))]
    public async Task Example_settings_start_the_prod_profile_live_but_not_ready_without_its_dependencies(string source)
    {
        using var pki = new TestPki("secrets-deploy");
        var outbox = Path.Combine(pki.Directory, "outbox");
        var environment = Runnable(source == "systemd" ? SystemdSettings() : KubernetesSettings(), pki, outbox);

        await using var host = await HostProcess.StartAsync(Path.Combine(pki.Directory, "unused.yaml"), environment);
        using var client = host.CreateClient();

        host.Output.ShouldContain("Hosting environment: prod");
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);   // no OpenBao, PDP, Redis here
        (await client.GetAsync("/api/secrets/value?uri=openbao%2Bkv2%3A%2F%2Fsecret%2Fapp%23k")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Directory.EnumerateFiles(outbox).ShouldNotBeEmpty();   // the outbox is where the settings say
    }

    [Fact]
    public async Task Example_settings_with_authorization_off_are_refused_by_the_prod_profile()
    {
        using var pki = new TestPki("secrets-deploy");
        var environment = Runnable(KubernetesSettings(), pki, Path.Combine(pki.Directory, "outbox"));
        environment["ENABLE_AUTHORIZATION"] = "false";

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => HostProcess.StartAsync(Path.Combine(pki.Directory, "unused.yaml"), environment));

        refused.Message.ShouldContain("ENVIRONMENT=prod refuses ENABLE_AUTHORIZATION=false");
    }

    [Fact]
    public async Task Image_healthcheck_passes_while_the_host_is_live_and_fails_once_it_is_gone()
    {
        var healthcheck = HealthcheckCommand();
        using var pki = new TestPki("secrets-deploy");
        var environment = Runnable(KubernetesSettings(), pki, Path.Combine(pki.Directory, "outbox"));
        var host = await HostProcess.StartAsync(Path.Combine(pki.Directory, "unused.yaml"), environment);
        var port = host.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        try
        {
            (await RunAsync(healthcheck[0], healthcheck[1..], ("ASPNETCORE_HTTP_PORTS", port))).Exit.ShouldBe(0, "the HEALTHCHECK against a live host");
        }
        finally
        {
            await host.DisposeAsync();
        }

        (await RunAsync(healthcheck[0], healthcheck[1..], ("ASPNETCORE_HTTP_PORTS", port))).Exit.ShouldNotBe(0, "the HEALTHCHECK with nothing listening");
    }

    // --- settings of the artifacts ---------------------------------------------------------------------

    /// <summary>The environment the systemd unit gives the process: its own Environment= lines, then the EnvironmentFile example.</summary>
    private static Dictionary<string, string> SystemdSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(RepoPaths.Of("deploy", "systemd", "secrets-platform.service")))
        {
            if (line.StartsWith("Environment=", StringComparison.Ordinal))
                Add(settings, line["Environment=".Length..]);
        }
        foreach (var line in File.ReadLines(RepoPaths.Of("deploy", "systemd", "secrets-platform.env.example")))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
                Add(settings, line);
        }
        return settings;

        static void Add(Dictionary<string, string> settings, string assignment)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            settings[assignment[..equals]] = assignment[(equals + 1)..];
        }
    }

    /// <summary>The pod's environment: the ConfigMap, the Secret example and the container's own env.</summary>
    private static Dictionary<string, string> KubernetesSettings()
    {
        var settings = new Dictionary<string, string>(ConfigMapData(), StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(Document(RepoPaths.Of("deploy", "kubernetes", "secret.example.yaml")), "stringData"))
            settings[key] = value;
        foreach (var (key, value) in Env((YamlMappingNode)Seq(Manifest("Deployment"), "spec", "template", "spec", "containers").Single()))
            settings[key] = value;
        return settings;
    }

    /// <summary>
    /// The settings as given, with what must exist on this machine put here: files (certificates and keys) from
    /// <paramref name="pki"/>, the outbox in a temporary folder, placeholders filled, and a port of the host's choosing.
    /// Every other value (URLs of OpenBao, the PDP, Redis, Kafka, the issuer) stays as written and points nowhere.
    /// </summary>
    private static Dictionary<string, string?> Runnable(Dictionary<string, string> settings, TestPki pki, string outbox)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        // the host picks its port; the test runs the host's dll, not the single-file binary
        foreach (var (key, value) in settings.Where(s => s.Key is not ("ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" or "DOTNET_BUNDLE_EXTRACT_BASE_DIR")))
        {
            environment[key] = key switch
            {
                "AUDIT_OUTBOX_PATH" => outbox,
                "TLS_CERT_PATH" => pki.CertPath,
                "TLS_KEY_PATH" => pki.KeyPath,
                _ when key.EndsWith("_CACERT", StringComparison.Ordinal) || key.EndsWith("_CA_LOCATION", StringComparison.Ordinal) => pki.CaPath,
                _ when key.EndsWith("_PATH", StringComparison.Ordinal) || key.EndsWith("_LOCATION", StringComparison.Ordinal)
                    => throw new InvalidOperationException($"{key}: a file setting this test does not provide yet"),
                "TENANT_SALT" => SecretsHostFactory.TestSalt,
                _ => Placeholder().Replace(value, "example"),
            };
        }
        environment["LOG_FORMAT"] = "text";   // the start is recognised by its "Now listening on" line
        return environment;
    }

    /// <summary>Every variable the artifacts name, with where: ConfigMap, Secret, container env, unit, env file, Containerfile.</summary>
    private static List<(string Name, string Where)> ArtifactVariables()
    {
        var names = new List<(string, string)>();
        names.AddRange(ConfigMapData().Keys.Select(k => (k, "configmap.yaml")));
        names.AddRange(Mapping(Document(RepoPaths.Of("deploy", "kubernetes", "secret.example.yaml")), "stringData").Keys.Select(k => (k, "secret.example.yaml")));
        names.AddRange(Env((YamlMappingNode)Seq(Manifest("Deployment"), "spec", "template", "spec", "containers").Single()).Keys.Select(k => (k, "deployment.yaml")));
        names.AddRange(SystemdSettings().Keys.Select(k => (k, "systemd unit and env example")));
        var containerfile = File.ReadAllText(RepoPaths.Of("deploy", "container", "Containerfile"));
        var env = EnvInstruction().Match(containerfile);
        env.Success.ShouldBeTrue("the Containerfile sets its settings with one ENV instruction");
        names.AddRange(EnvAssignment().Matches(env.Value).Select(m => (m.Groups[1].Value, "Containerfile")));
        return names;
    }

    /// <summary>The exec form of the Containerfile's HEALTHCHECK, as the container engine runs it.</summary>
    private static string[] HealthcheckCommand()
    {
        var containerfile = File.ReadAllText(RepoPaths.Of("deploy", "container", "Containerfile")).Replace("\\\n", "", StringComparison.Ordinal);
        var cmd = HealthcheckCmd().Match(containerfile);
        cmd.Success.ShouldBeTrue("HEALTHCHECK … CMD [exec form]");
        return System.Text.Json.JsonSerializer.Deserialize<string[]>(cmd.Groups[1].Value)!;
    }

    private static HashSet<string> DocumentedSettings() =>
        BacktickedName().Matches(File.ReadAllText(RepoPaths.Of("docs", "CONFIGURATION.md"))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Upper-case string literals in the service's code (host, modules, kernel): the names it reads settings by.</summary>
    private static HashSet<string> SourceLiterals() =>
        new[] { "Secrets.Host", "Modules", "Shared.Kernel" }
            .SelectMany(d => Directory.EnumerateFiles(RepoPaths.Of(d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => UpperLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    // --- YAML ------------------------------------------------------------------------------------------

    private static YamlMappingNode Manifest(string kind) =>
        Directory.EnumerateFiles(RepoPaths.Of("deploy", "kubernetes"), "*.yaml")
            .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal))
            .Select(Document)
            .Single(d => d.Children.TryGetValue("kind", out var k) && k.ToString() == kind);

    private static YamlMappingNode Document(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static Dictionary<string, string> ConfigMapData() => Mapping(Manifest("ConfigMap"), "data");

    private static Dictionary<string, string> PodLabels() => Labels(Manifest("Deployment"), "spec", "template", "metadata", "labels");

    private static Dictionary<string, string> Labels(YamlNode node, params string[] path) => Mapping(node, path);

    private static Dictionary<string, string> Mapping(YamlNode node, params string[] path) =>
        ((YamlMappingNode)Node(node, path)).Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString(), StringComparer.Ordinal);

    private static Dictionary<string, string> Env(YamlMappingNode container) =>
        Seq(container, "env").ToDictionary(e => Str(e, "name"), e => Str(e, "value"), StringComparer.Ordinal);

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children.TryGetValue(key, out var child) ? child : throw new ShouldAssertException($"no {string.Join('.', path)}");
        return node;
    }

    private static IEnumerable<YamlNode> Seq(YamlNode node, params string[] path) => ((YamlSequenceNode)Node(node, path)).Children;

    private static string Str(YamlNode node, params string[] path) => Node(node, path).ToString();

    // --- processes -------------------------------------------------------------------------------------

    private static async Task<(int Exit, string Output)> RunCheckAsync(string deployDir, bool image = false) =>
        await RunAsync("bash", image ? [RepoPaths.Of("build", "check-deploy.sh"), "--image", deployDir] : [RepoPaths.Of("build", "check-deploy.sh"), deployDir]);

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, params (string Key, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [GeneratedRegex(@"`([A-Z][A-Z0-9_]{2,})`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"""([A-Z][A-Z0-9_]{2,})""")]
    private static partial Regex UpperLiteral();

    [GeneratedRegex(@"^(?:OPENBAO|HASHICORP|VAULT)_([A-Z0-9_]+)$")]
    private static partial Regex Kv2Name();

    [GeneratedRegex(@"^ENV (?:.*\\\n)*.*$", RegexOptions.Multiline)]
    private static partial Regex EnvInstruction();

    [GeneratedRegex(@"([A-Z][A-Z0-9_]+)=")]
    private static partial Regex EnvAssignment();

    [GeneratedRegex(@"^HEALTHCHECK .*?CMD (\[.*\])\s*$", RegexOptions.Multiline)]
    private static partial Regex HealthcheckCmd();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Placeholder();
}
