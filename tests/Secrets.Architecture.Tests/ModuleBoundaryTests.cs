using System.Reflection;
using NetArchTest.Rules;

namespace Secrets.Architecture.Tests;

public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> Modules => new() { "Grants", "Policy", "Providers", "Audit", "Rotation" };

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_reaches_other_modules_only_through_contracts(string module)
    {
        var assembly = Assembly.Load($"Secrets.{module}");
        assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Secrets.", StringComparison.Ordinal) && !n.EndsWith(".Contracts", StringComparison.Ordinal) && n != "Secrets.Shared.Kernel")
            .ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Only_the_module_class_is_public(string module)
    {
        var result = Types.InAssembly(Assembly.Load($"Secrets.{module}")).That().DoNotHaveName($"{module}Module")
            .And().DoNotHaveNameStartingWith("<")   // compiler-generated
            .Should().NotBePublic().GetResult();
        (result.FailingTypeNames ?? []).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Contracts_hold_data_only_and_never_depend_on_web_or_transport_libraries(string module)
    {
        var result = Types.InAssembly(Assembly.Load($"Secrets.{module}.Contracts"))
            .ShouldNot().HaveDependencyOnAny("FastEndpoints", "Microsoft.AspNetCore", "Confluent.Kafka", "StackExchange.Redis", "FluentValidation")
            .GetResult();
        (result.FailingTypeNames ?? []).ShouldBeEmpty();
        Assembly.Load($"Secrets.{module}.Contracts").GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Secrets.", StringComparison.Ordinal) && n != "Secrets.Shared.Kernel")
            .ShouldBeEmpty();
    }

    [Fact]
    public void The_kernel_uses_the_base_class_library_only()
    {
        typeof(Secrets.Shared.Kernel.CanonicalSecretUri).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .ShouldAllBe(n => n.StartsWith("System", StringComparison.Ordinal) || n == "netstandard" || n == "mscorlib");
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Slices_do_not_reach_into_other_slices_namespaces_of_other_modules(string module)
    {
        var others = new[] { "Grants", "Policy", "Providers", "Audit", "Rotation" }.Where(m => m != module).Select(m => $"Secrets.{m}.");
        var result = Types.InAssembly(Assembly.Load($"Secrets.{module}"))
            .ShouldNot().HaveDependencyOnAny(others.Select(o => o + "Features").Concat(others.Select(o => o + "Kv")).ToArray())
            .GetResult();
        (result.FailingTypeNames ?? []).ShouldBeEmpty();
    }
}
