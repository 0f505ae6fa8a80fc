using System.Reflection;
using NetArchTest.Rules;

namespace Secrets.Architecture.Tests;

/// <summary>
/// The module rules as functions that list what breaks them, so that every rule is checked against the
/// modules and, in <see cref="ModuleRulesSelfTests"/>, against an assembly that breaks it: a rule that
/// finds nothing there could not fail.
/// </summary>
internal static class ModuleRules
{
    public static readonly string[] Modules = ["Grants", "Policy", "Providers", "Audit", "Rotation"];

    /// <summary>
    /// Libraries that are part of a module besides its main assembly and its contracts: the module may reference them,
    /// no other module may.
    /// </summary>
    public static IReadOnlyList<string> OwnLibraries(string module) => module switch
    {
        "Audit" => ["Secrets.Audit.Integrity"],
        _ => [],
    };

    /// <summary>Secrets.* assemblies <paramref name="assembly"/> uses that are neither a contracts project nor the kernel.</summary>
    public static IReadOnlyList<string> ReferencesOutsideContracts(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Secrets.", StringComparison.Ordinal) && !n.EndsWith(".Contracts", StringComparison.Ordinal) && n != "Secrets.Shared.Kernel")
            .ToList();

    /// <summary>
    /// How <paramref name="assembly"/> uses the assembly <paramref name="other"/>: a reference to it, and each of its
    /// own types that uses a namespace of it. Empty when it does not.
    /// </summary>
    public static IReadOnlyList<string> UsesOfAssembly(Assembly assembly, string other) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n == other),
         .. TypesUsing(assembly, other)];

    /// <summary>Public types other than the module class <paramref name="moduleClass"/>.</summary>
    public static IReadOnlyList<string> PublicTypesBesides(Assembly assembly, string moduleClass) =>
        Types.InAssembly(assembly).That().DoNotHaveName(moduleClass).And().DoNotHaveNameStartingWith("<")
            .Should().NotBePublic().GetResult().FailingTypeNames?.ToList() ?? [];

    /// <summary>
    /// Types of a contracts project that are not data or a door: everything must be a record, an enum, an
    /// interface (a door a module implements) or a delegate.
    /// </summary>
    public static IReadOnlyList<string> NotDataOrDoors(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => !t.Name.StartsWith('<') && !t.IsNested)
            .Where(t => !(t.IsEnum || t.IsInterface || typeof(Delegate).IsAssignableFrom(t) || IsRecord(t)))
            .Select(t => t.FullName!)
            .ToList();

    /// <summary>Types of <paramref name="assembly"/> that use any of <paramref name="namespaces"/>.</summary>
    public static IReadOnlyList<string> TypesUsing(Assembly assembly, params string[] namespaces) =>
        Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult().FailingTypeNames?.ToList() ?? [];

    /// <summary>Referenced assemblies that are not part of the base class library.</summary>
    public static IReadOnlyList<string> BeyondTheBaseClassLibrary(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n == "netstandard" || n == "mscorlib"))
            .ToList();

    /// <summary>A record class has the compiler's <c>&lt;Clone&gt;$</c>; a record struct its <c>PrintMembers</c>.</summary>
    private static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$") is not null || type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;
}
