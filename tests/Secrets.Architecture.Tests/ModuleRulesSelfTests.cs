using System.Reflection;

namespace Secrets.Architecture.Tests;

/// <summary>Each rule of <see cref="ModuleRules"/> finds the break in an assembly that breaks it: the rules can fail.</summary>
public sealed class ModuleRulesSelfTests
{
    [Fact]
    public void The_contracts_rule_finds_the_host_using_module_implementations() =>
        ModuleRules.ReferencesOutsideContracts(Assembly.Load("Secrets.Host")).ShouldContain("Secrets.Providers");

    [Fact]
    public void The_public_types_rule_finds_public_contracts() =>
        ModuleRules.PublicTypesBesides(Assembly.Load("Secrets.Providers.Contracts"), "ProvidersModule").ShouldContain(t => t.EndsWith("ISecretOperations", StringComparison.Ordinal));

    [Fact]
    public void The_data_rule_finds_classes_with_behaviour() =>
        ModuleRules.NotDataOrDoors(Assembly.Load("Secrets.Grants")).ShouldContain(t => t.EndsWith(".GrantEnforcer", StringComparison.Ordinal));

    [Fact]
    public void The_data_rule_accepts_records_enums_interfaces_and_delegates() =>
        ModuleRules.NotDataOrDoors(Assembly.Load("Secrets.Grants.Contracts")).ShouldBeEmpty();

    [Fact]
    public void The_dependency_rule_finds_a_module_using_aspnetcore() =>
        ModuleRules.TypesUsing(Assembly.Load("Secrets.Providers"), "Microsoft.AspNetCore").ShouldNotBeEmpty();

    [Fact]
    public void The_dev_server_rule_finds_the_host_that_starts_it() =>
        ModuleRules.UsesOfAssembly(Assembly.Load("Secrets.Host"), "Secrets.Providers.DevServer").ShouldContain("Secrets.Providers.DevServer");

    [Fact]
    public void The_base_class_library_rule_finds_the_hosts_packages() =>
        ModuleRules.BeyondTheBaseClassLibrary(Assembly.Load("Secrets.Host")).ShouldNotBeEmpty();
}
