using System.Collections.Frozen;
using System.Globalization;
using Secrets.Shared.Kernel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Secrets.Policy.Embedded;

/// <summary>
/// Reads and validates a policy file (format: docs/POLICIES.md) into a <see cref="PolicySet"/>.
/// Anything it does not understand is an error, never ignored: the first problem found is thrown
/// as a <see cref="PolicyLoadException"/> naming the file, the rule, the field and the line.
/// </summary>
internal static class PolicyParser
{
    public const int SupportedVersion = 1;
    public const int MaxTtlSeconds = 86_400;

    private static readonly string[] TopLevelFields = ["version", "rules"];
    private static readonly string[] RuleFields = ["id", "description", "effect", "subjects", "clients", "tenants", "resources", "purposes", "when", "obligations"];
    private static readonly string[] Bindings = ["dpop", "mtls", "any"];

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in messages.</summary>
    public static PolicySet Parse(string text, string source)
    {
        var root = LoadDocument(text, source);
        var file = new Where(source, null, null, root.Start.Line);
        if (root is not YamlMappingNode top)
            throw file.Fail(root, null, $"expected a mapping with 'version' and 'rules', got {Describe(root)}");

        YamlNode? version = null;
        YamlNode? rules = null;
        foreach (var (keyNode, value) in top.Children)
        {
            var key = KeyOf(keyNode, file);
            switch (key)
            {
                case "version":
                    version = value;
                    break;
                case "rules":
                    rules = value;
                    break;
                default:
                    throw file.Fail(keyNode, null, $"unknown field '{key}' (expected {string.Join(", ", TopLevelFields)})");
            }
        }

        if (version is null)
            throw file.Fail(root, "version", $"missing (required; write 'version: {SupportedVersion}' first)");
        if (version is not YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } || v != "1")
            throw file.Fail(version, "version", $"must be {SupportedVersion}, got {Describe(version)}");
        if (rules is null)
            throw file.Fail(root, "rules", "missing (required: a list of rules; an empty list 'rules: []' denies everything)");
        if (rules is not YamlSequenceNode list)
            throw file.Fail(rules, "rules", $"expected a list of rules, got {Describe(rules)} (an empty list 'rules: []' denies everything)");

        var compiled = new List<PolicyRule>(list.Children.Count);
        var ids = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var rule = ParseRule(list.Children[i], i + 1, source, ids);
            ids.Add(rule.Id, rule);
            compiled.Add(rule);
        }
        return new PolicySet(source, compiled);
    }

    private static YamlNode LoadDocument(string text, string source)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new PolicyLoadException(
                $"{source} (line {e.Start.Line}, column {e.Start.Column}): YAML syntax error: {e.Message}", source, line: e.Start.Line);
        }
        catch (Exception e)
        {
            // the scanner throws InvalidOperationException on some malformed input (e.g. an unclosed '[')
            var line = parser.Current?.Start.Line;
            throw new PolicyLoadException(
                $"{source}{(line is null ? "" : $" (near line {line})")}: YAML syntax error: the file is not well-formed YAML ({e.Message})", source, line: line);
        }
        if (stream.Documents.Count == 0)
            throw new PolicyLoadException($"{source}: the file is empty (expected 'version: {SupportedVersion}' and a 'rules' list)", source);
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start.Line;
            throw new PolicyLoadException($"{source} (line {second}): more than one YAML document ('---'); keep every rule in one document", source, line: second);
        }
        return stream.Documents[0].RootNode;
    }

    private static PolicyRule ParseRule(YamlNode node, int index, string source, Dictionary<string, PolicyRule> ids)
    {
        var where = new Where(source, index, null, node.Start.Line);
        if (node is not YamlMappingNode map)
            throw where.Fail(node, null, $"expected a mapping with id, resources and purposes, got {Describe(node)}");

        where = where with { Id = ReadId(map, where, ids) };
        string? description = null;
        var effect = RuleEffect.Permit;
        FrozenSet<string>? subjects = null, clients = null, tenants = null;
        var anyPresentClient = false;
        ResourcePattern[]? resources = null;
        PurposeSet? purposes = null;
        AttributeCondition[] when = [];
        YamlNode? obligationsNode = null;
        (int? Ttl, int? MaxUses, string? Binding) obligations = default;

        foreach (var (keyNode, value) in map.Children)
        {
            var key = KeyOf(keyNode, where);
            switch (key)
            {
                case "id":
                    break;
                case "description":
                    description = value is YamlScalarNode s ? (IsNull(s) ? null : s.Value) : throw where.Fail(value, key, $"expected text, got {Describe(value)}");
                    break;
                case "effect":
                    effect = ReadString(value, where, key) switch
                    {
                        "permit" => RuleEffect.Permit,
                        "deny" => RuleEffect.Deny,
                        var other => throw where.Fail(value, key, $"unknown effect '{other}' (expected permit or deny)"),
                    };
                    break;
                case "subjects":
                    subjects = ReadIds(value, where, key, out var anySubject);
                    if (anySubject)
                        subjects = null;
                    break;
                case "clients":
                    clients = ReadIds(value, where, key, out anyPresentClient);
                    if (anyPresentClient)
                        clients = null;
                    break;
                case "tenants":
                    tenants = ReadIds(value, where, key, out var anyTenant);
                    if (anyTenant)
                        throw where.Fail(value, key, "'*' is not a tenant id (omit tenants to match any tenant)");
                    break;
                case "resources":
                    resources = ReadList(value, where, key).Select(item => ReadPattern(item, where, key)).ToArray();
                    break;
                case "purposes":
                    purposes = ReadPurposes(value, where, key);
                    break;
                case "when":
                    when = ReadWhen(value, where);
                    break;
                case "obligations":
                    obligationsNode = value;
                    obligations = ReadObligations(value, where);
                    break;
                default:
                    throw where.Fail(keyNode, null, $"unknown field '{key}' (expected one of {string.Join(", ", RuleFields)})");
            }
        }

        if (resources is null)
            throw where.Fail(null, "resources", "missing (required: a non-empty list of canonical secret URIs, exact or ending in '/*')");
        if (purposes is null)
            throw where.Fail(null, "purposes", $"missing (required: a non-empty list of {string.Join(", ", PurposeSet.Names)}, or \"*\")");
        if (effect == RuleEffect.Deny && obligationsNode is not null)
            throw where.Fail(obligationsNode, "obligations", "not allowed on a deny rule (obligations shape what a permit grants)");

        return new PolicyRule
        {
            Id = where.Id!,
            Index = index,
            Line = node.Start.Line,
            Description = description,
            Effect = effect,
            Reason = PolicyRule.ReasonFor(effect, where.Id!),
            Subjects = subjects,
            Clients = clients,
            AnyPresentClient = anyPresentClient,
            Tenants = tenants,
            Resources = resources,
            Purposes = purposes.Value,
            When = when,
            TtlSeconds = obligations.Ttl,
            MaxUses = obligations.MaxUses,
            RequireBinding = obligations.Binding,
        };
    }

    private static string ReadId(YamlMappingNode map, Where where, Dictionary<string, PolicyRule> ids)
    {
        var (_, node) = map.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "id" });
        if (node is null)
            throw where.Fail(null, "id", "missing (required: a unique id of 1 to 64 characters A-Z a-z 0-9 _ . -)");
        var id = ReadString(node, where, "id");
        if (!IsValidId(id))
            throw where.Fail(node, "id", $"'{id}' is not a valid id (1 to 64 characters A-Z a-z 0-9 _ . -)");
        if (ids.TryGetValue(id, out var first))
            throw (where with { Id = id }).Fail(node, "id", $"duplicate id; rule #{first.Index} (line {first.Line}) already has it");
        return id;
    }

    private static bool IsValidId(string id) =>
        id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static ResourcePattern ReadPattern(YamlScalarNode item, Where where, string field)
    {
        var text = item.Value!;
        if (!CanonicalSecretUri.TryParse(text, null, UriAllowance.Prefix, out var uri, out var error))
            throw where.Fail(item, field, $"invalid pattern '{text}': {error.Value} ({error.Detail})");
        if (uri.Version is not null)
            throw where.Fail(item, field, $"'{text}' pins a version; a pattern covers every version (remove '?version={uri.Version}')");
        return new ResourcePattern(uri);
    }

    private static PurposeSet ReadPurposes(YamlNode value, Where where, string field)
    {
        var bits = 0;
        foreach (var item in ReadList(value, where, field))
        {
            if (item.Value == "*")
                bits |= PurposeSet.All.Bits;
            else if (PurposeSet.TryParse(item.Value!, out var bit))
                bits |= bit;
            else
                throw where.Fail(item, field, $"unknown purpose '{item.Value}' (expected one of {string.Join(", ", PurposeSet.Names)}, or \"*\")");
        }
        return new PurposeSet(bits);
    }

    private static AttributeCondition[] ReadWhen(YamlNode value, Where where)
    {
        const string field = "when";
        if (value is not YamlMappingNode map)
            throw where.Fail(value, field, $"expected a mapping of resource attributes (owner, created_by), got {Describe(value)}");
        if (map.Children.Count == 0)
            throw where.Fail(value, field, "empty (omit when, or give owner and/or created_by)");
        var conditions = new List<AttributeCondition>(map.Children.Count);
        foreach (var (keyNode, node) in map.Children)
        {
            var key = KeyOf(keyNode, where);
            var attribute = key switch
            {
                "owner" => ResourceAttribute.Owner,
                "created_by" => ResourceAttribute.CreatedBy,
                _ => throw where.Fail(keyNode, field, $"unknown attribute '{key}' (expected owner or created_by)"),
            };
            var name = field + "." + key;
            var text = ReadString(node, where, name);
            conditions.Add(text switch
            {
                "$subject" => new AttributeCondition(attribute, ConditionValue.Subject, null),
                "$client" => new AttributeCondition(attribute, ConditionValue.Client, null),
                _ when text.StartsWith('$') => throw where.Fail(node, name,
                    $"unknown variable '{text}' (expected $subject or $client; a literal value may not start with '$')"),
                _ => new AttributeCondition(attribute, ConditionValue.Literal, text),
            });
        }
        return [.. conditions];
    }

    private static (int? Ttl, int? MaxUses, string? Binding) ReadObligations(YamlNode value, Where where)
    {
        const string field = "obligations";
        if (value is not YamlMappingNode map)
            throw where.Fail(value, field, $"expected a mapping of ttl_seconds, max_uses, require_binding, got {Describe(value)}");
        if (map.Children.Count == 0)
            throw where.Fail(value, field, "empty (omit obligations to take the defaults)");
        (int? Ttl, int? MaxUses, string? Binding) result = default;
        foreach (var (keyNode, node) in map.Children)
        {
            var key = KeyOf(keyNode, where);
            var name = field + "." + key;
            switch (key)
            {
                case "ttl_seconds":
                    result.Ttl = ReadInt(node, where, name, 1, MaxTtlSeconds);
                    break;
                case "max_uses":
                    result.MaxUses = ReadInt(node, where, name, 1, int.MaxValue);
                    break;
                case "require_binding":
                    var binding = ReadString(node, where, name);
                    result.Binding = Bindings.Contains(binding)
                        ? binding
                        : throw where.Fail(node, name, $"unknown binding '{binding}' (expected {string.Join(", ", Bindings)})");
                    break;
                default:
                    throw where.Fail(keyNode, field, $"unknown obligation '{key}' (expected ttl_seconds, max_uses, require_binding)");
            }
        }
        return result;
    }

    /// <summary>A list of ids; <paramref name="any"/> when it holds "*".</summary>
    private static FrozenSet<string> ReadIds(YamlNode value, Where where, string field, out bool any)
    {
        var items = ReadList(value, where, field);
        any = items.Any(i => i.Value == "*");
        return items.Select(i => i.Value!).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>A non-empty list of non-empty strings.</summary>
    private static List<YamlScalarNode> ReadList(YamlNode value, Where where, string field)
    {
        if (value is not YamlSequenceNode sequence)
            throw where.Fail(value, field, $"expected a list (e.g. [a, b]), got {Describe(value)}");
        if (sequence.Children.Count == 0)
            throw where.Fail(value, field, field is "resources" or "purposes"
                ? "empty list (required: at least one entry)"
                : $"empty list (omit {field} to match any)");
        var items = new List<YamlScalarNode>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            if (item is not YamlScalarNode scalar || IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value))
                throw where.Fail(item, field, $"expected a non-empty text in the list, got {Describe(item)}");
            items.Add(scalar);
        }
        return items;
    }

    private static string ReadString(YamlNode value, Where where, string field)
    {
        if (value is not YamlScalarNode scalar || IsNull(scalar) || string.IsNullOrWhiteSpace(scalar.Value))
            throw where.Fail(value, field, $"expected a non-empty text, got {Describe(value)}");
        return scalar.Value!;
    }

    private static int ReadInt(YamlNode value, Where where, string field, int min, int max)
    {
        var range = max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}";
        if (value is not YamlScalarNode { Style: ScalarStyle.Plain } scalar || IsNull(scalar))
            throw where.Fail(value, field, $"expected {range}, got {Describe(value)}");
        if (!int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
            throw where.Fail(value, field, $"expected {range}, got {scalar.Value}");
        return number;
    }

    private static string KeyOf(YamlNode key, Where where) =>
        key is YamlScalarNode { Value: { Length: > 0 } name } ? name : throw where.Fail(key, null, $"expected a field name, got {Describe(key)}");

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode s when IsNull(s) => "nothing",
        YamlScalarNode { Style: ScalarStyle.Plain } s => $"'{s.Value}'",
        YamlScalarNode s => $"the text \"{s.Value}\"",
        _ => "an alias",
    };

    /// <summary>Where a problem is: the file, and the rule when inside one.</summary>
    private readonly record struct Where(string Source, int? Index, string? Id, long Line)
    {
        /// <summary>A named error at <paramref name="node"/> (or the rule's or file's line without one).</summary>
        public PolicyLoadException Fail(YamlNode? node, string? field, string problem)
        {
            var line = node?.Start.Line ?? Line;
            var at = Index is null ? $"{Source} (line {line})"
                : Id is null ? $"{Source}: rule #{Index} (line {line})"
                : $"{Source}: rule '{Id}' (#{Index}, line {line})";
            var message = field is null ? $"{at}: {problem}" : $"{at}: {field}: {problem}";
            return new PolicyLoadException(message, Source, field, Index, Id, line);
        }
    }
}
