using System.Collections.Frozen;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

/// <summary>The purposes of a rule as a bit set over <see cref="Purpose"/>.</summary>
internal readonly record struct PurposeSet(int Bits)
{
    public static readonly PurposeSet All = new(Enum.GetValues<Purpose>().Aggregate(0, (bits, p) => bits | Bit(p)));

    /// <summary>Purpose names in documented order, for messages.</summary>
    public static readonly IReadOnlyList<string> Names = Enum.GetValues<Purpose>().Select(p => p.Name()).ToArray();

    private static readonly FrozenDictionary<string, int> ByName =
        Enum.GetValues<Purpose>().ToFrozenDictionary(p => p.Name(), Bit, StringComparer.Ordinal);

    public static int Bit(Purpose purpose) => 1 << (int)purpose;

    /// <summary>The bit of a purpose name (an AuthZEN action); 0 for a name that is no purpose, which no rule matches.</summary>
    public static int BitOf(string? action) => action is not null && ByName.TryGetValue(action, out var bit) ? bit : 0;

    public static bool TryParse(string name, out int bit) => ByName.TryGetValue(name, out bit);

    public bool Contains(int bit) => bit != 0 && (Bits & bit) == bit;
}
