using System.Reflection;

namespace Secrets.Architecture.Tests;

/// <summary>What project references cannot enforce about the modules (docs/ARCHITECTURE.md).</summary>
public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> Modules => new(ModuleRules.Modules);

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_reaches_other_modules_only_through_contracts(string module) =>
        ModuleRules.ReferencesOutsideContracts(Assembly.Load($"Secrets.{module}"))
            .Where(name => !ModuleRules.OwnLibraries(module).Contains(name)).ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Modules))]
    public void Only_the_module_class_is_public(string module) =>
        ModuleRules.PublicTypesBesides(Assembly.Load($"Secrets.{module}"), $"{module}Module").ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_hold_data_and_doors_only(string module) =>
        ModuleRules.NotDataOrDoors(Assembly.Load($"Secrets.{module}.Contracts")).ShouldBeEmpty();

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_never_depend_on_web_or_transport_libraries_or_other_modules(string module)
    {
        var contracts = Assembly.Load($"Secrets.{module}.Contracts");
        ModuleRules.TypesUsing(contracts, "FastEndpoints", "Microsoft.AspNetCore", "Confluent.Kafka", "StackExchange.Redis", "FluentValidation").ShouldBeEmpty();
        contracts.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Secrets.", StringComparison.Ordinal) && n != "Secrets.Shared.Kernel")
            .ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Slices_do_not_reach_into_other_modules_namespaces(string module)
    {
        var others = ModuleRules.Modules.Where(m => m != module).Select(m => $"Secrets.{m}.");
        ModuleRules.TypesUsing(Assembly.Load($"Secrets.{module}"), [.. others.Select(o => o + "Features"), .. others.Select(o => o + "Kv"), .. others.Select(o => o + "Access")])
            .ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Grants")] [InlineData("Policy")] [InlineData("Providers")] [InlineData("Audit")] [InlineData("Rotation")]
    public void Only_Grants_talks_to_Redis(string module)
    {
        var users = ModuleRules.TypesUsing(Assembly.Load($"Secrets.{module}"), "StackExchange.Redis");
        if (module == "Grants")
            users.ShouldNotBeEmpty();
        else
            users.ShouldBeEmpty();
    }

    [Fact]
    public void Rotation_has_no_provider_client_of_its_own() =>
        ModuleRules.TypesUsing(Assembly.Load("Secrets.Rotation"), "System.Net.Http", "YamlDotNet").ShouldBeEmpty();

    /// <summary>The embedded dev KVv2 server is its own project: the host starts it, production Providers never carries it.</summary>
    [Fact]
    public void Providers_does_not_reference_the_embedded_dev_server() =>
        ModuleRules.UsesOfAssembly(Assembly.Load("Secrets.Providers"), "Secrets.Providers.DevServer").ShouldBeEmpty();

    /// <summary>…and it sees the Providers module only through its contracts, and shows the host one door.</summary>
    [Fact]
    public void The_embedded_dev_server_knows_providers_by_its_contracts_and_shows_one_public_type()
    {
        var devServer = Assembly.Load("Secrets.Providers.DevServer");
        ModuleRules.ReferencesOutsideContracts(devServer).ShouldBeEmpty();
        ModuleRules.PublicTypesBesides(devServer, "EmbeddedKv2Hosting").ShouldBeEmpty();
    }

    /// <summary>
    /// The audit stream's format is a library of the Audit module that the command-line tool also carries: it knows
    /// nothing of other modules and nothing of ASP.NET Core.
    /// </summary>
    [Fact]
    public void The_audit_integrity_library_stands_alone()
    {
        var integrity = Assembly.Load("Secrets.Audit.Integrity");
        ModuleRules.ReferencesOutsideContracts(integrity).ShouldBeEmpty();
        integrity.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ShouldBeEmpty();
        ModuleRules.PublicTypesBesides(integrity, "").ShouldBeEmpty();
    }

    [Fact]
    public void The_kernel_uses_the_base_class_library_only() =>
        ModuleRules.BeyondTheBaseClassLibrary(typeof(Secrets.Shared.Kernel.CanonicalSecretUri).Assembly).ShouldBeEmpty();
}
