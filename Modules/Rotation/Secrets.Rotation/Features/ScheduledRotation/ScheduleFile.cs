using System.Text.Json;
using Cronos;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// Reads and validates the schedule file (<c>ROTATION_SCHEDULES_PATH</c>, format: docs/API.md#scheduled-rotation): a JSON
/// object whose <c>schedules</c> list holds one object per schedule. Comments and trailing commas are allowed. Anything
/// it does not understand is an error, never ignored: the first problem is thrown as a <see cref="ScheduleLoadException"/>
/// naming the file, the schedule and the field, and the host refuses to start.
/// </summary>
internal static class ScheduleFile
{
    public const int MaxNameLength = 128;
    public const int MaxJitterSeconds = 3_600;
    public const int MaxCatchUpSeconds = 86_400;
    public const int DefaultCatchUpSeconds = 3_600;
    private const long MaxFileBytes = 1024 * 1024;

    private static readonly string[] TopLevelFields = ["schedules"];
    private static readonly string[] ScheduleFields = ["name", "uri", "cron", "time_zone", "generate", "jitter_s", "catch_up_s", "enabled"];
    private static readonly string[] GenerateFields = ["length", "alphabet"];

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    /// <summary>Reads and validates <paramref name="path"/>; throws <see cref="ScheduleLoadException"/> when it is missing or invalid.</summary>
    public static IReadOnlyList<RotationSchedule> Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new ScheduleLoadException($"{path}: the schedule file does not exist (ROTATION_SCHEDULES_PATH)");
            if (info.Length > MaxFileBytes)
                throw new ScheduleLoadException($"{path}: the schedule file is larger than 1 MiB");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScheduleLoadException($"{path}: the schedule file cannot be read: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in messages.</summary>
    public static IReadOnlyList<RotationSchedule> Parse(string text, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            throw new ScheduleLoadException(
                $"{source} (line {(e.LineNumber ?? 0) + 1}): not well-formed JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ScheduleLoadException($"{source}: expected an object with a 'schedules' list, got {Describe(root)}");
            JsonElement? list = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "schedules")
                    throw new ScheduleLoadException($"{source}: unknown field '{property.Name}' (expected {string.Join(", ", TopLevelFields)})");
                list = property.Value;
            }
            if (list is not { ValueKind: JsonValueKind.Array } schedules)
                throw new ScheduleLoadException($"{source}: schedules: " + (list is null ? "missing (required: a list of schedules, which may be empty)" : $"expected a list, got {Describe(list.Value)}"));

            var result = new List<RotationSchedule>();
            var positions = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in schedules.EnumerateArray())
            {
                index++;
                var schedule = ParseSchedule(item, new Where(source, index, null));
                if (positions.TryGetValue(schedule.Name, out var first))
                    throw new Where(source, index, schedule.Name).Fail("name", $"duplicate name; schedule #{first} already has it");
                positions.Add(schedule.Name, index);
                result.Add(schedule);
            }
            return result;
        }
    }

    private static RotationSchedule ParseSchedule(JsonElement item, Where where)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw where.Fail(null, $"expected an object with name, uri and cron, got {Describe(item)}");
        foreach (var property in item.EnumerateObject())
        {
            if (!ScheduleFields.Contains(property.Name))
                throw where.Fail(null, $"unknown field '{property.Name}' (expected one of {string.Join(", ", ScheduleFields)})");
        }

        var name = RequiredText(item, "name", where, "a unique name of 1 to 128 characters A-Z a-z 0-9 . _ -");
        if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw where.Fail("name", $"'{name}' is not a valid name (1 to {MaxNameLength} characters A-Z a-z 0-9 . _ -)");
        where = where with { Name = name };

        var uriText = RequiredText(item, "uri", where, "the canonical URI of the key to rotate, with its #fragment");
        if (!CanonicalSecretUri.TryParse(uriText, null, UriAllowance.None, out var uri, out var error))
            throw where.Fail("uri", $"invalid URI '{uriText}': {error.Value} ({error.Detail})");
        if (uri.Version is not null)
            throw where.Fail("uri", $"'{uriText}' pins a version; a rotation writes a new one (remove '?version={uri.Version}')");
        if (uri.Fragment is null)
            throw where.Fail("uri", $"'{uriText}' names no key: a generated value replaces one key, name it with a #fragment");

        var cronText = RequiredText(item, "cron", where, "a cron expression of 5 fields, or 6 with seconds first");
        var expression = ParseCron(cronText, where);

        var zoneId = OptionalText(item, "time_zone", where) ?? "UTC";
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw where.Fail("time_zone", $"unknown time zone '{zoneId}' (expected an IANA name such as UTC or Europe/Berlin)");
        }

        var generate = ParseGenerate(item, where);
        var jitter = OptionalInt(item, "jitter_s", where, 0, MaxJitterSeconds) ?? 0;
        var catchUp = OptionalInt(item, "catch_up_s", where, 0, MaxCatchUpSeconds) ?? DefaultCatchUpSeconds;
        var enabled = true;
        if (item.TryGetProperty("enabled", out var enabledNode))
        {
            enabled = enabledNode.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw where.Fail("enabled", $"expected true or false, got {Describe(enabledNode)}"),
            };
        }

        return new RotationSchedule(name, uri, cronText, expression, zoneId, zone, generate,
            TimeSpan.FromSeconds(jitter), TimeSpan.FromSeconds(catchUp), enabled);
    }

    /// <summary>Five fields (minute first), or six with seconds first; Cronos's macros (@daily, @hourly, …) too.</summary>
    private static CronExpression ParseCron(string text, Where where)
    {
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (fields is not (1 or 5 or 6))
            throw where.Fail("cron", $"'{text}' has {fields} fields (expected 5, or 6 with seconds first)");
        try
        {
            return CronExpression.Parse(text, format);
        }
        catch (CronFormatException e)
        {
            throw where.Fail("cron", $"'{text}' is not a valid cron expression: {e.Message}");
        }
    }

    private static GenerateSpec ParseGenerate(JsonElement item, Where where)
    {
        if (!item.TryGetProperty("generate", out var node))
            return new GenerateSpec();
        if (node.ValueKind != JsonValueKind.Object)
            throw where.Fail("generate", $"expected an object with length and alphabet, got {Describe(node)}");
        foreach (var property in node.EnumerateObject())
        {
            if (!GenerateFields.Contains(property.Name))
                throw where.Fail("generate", $"unknown field '{property.Name}' (expected {string.Join(", ", GenerateFields)})");
        }
        var spec = new GenerateSpec
        {
            Length = OptionalInt(node, "length", where, int.MinValue, int.MaxValue, "generate.length") ?? GenerateSpec.DefaultLength,
            Alphabet = OptionalText(node, "alphabet", where, "generate.alphabet") ?? SecretAlphabet.AlphanumericName,
        };
        var result = new GenerateSpecValidator().Validate(spec);
        if (!result.IsValid)
        {
            var failure = result.Errors[0];
            throw where.Fail("generate." + JsonNamingPolicy.SnakeCaseLower.ConvertName(failure.PropertyName), failure.ErrorMessage);
        }
        return spec;
    }

    private static string RequiredText(JsonElement item, string field, Where where, string what)
    {
        if (!item.TryGetProperty(field, out var node))
            throw where.Fail(field, $"missing (required: {what})");
        return node.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(node.GetString())
            ? node.GetString()!
            : throw where.Fail(field, $"expected a non-empty text, got {Describe(node)}");
    }

    private static string? OptionalText(JsonElement item, string field, Where where, string? name = null)
    {
        if (!item.TryGetProperty(field, out var node) || node.ValueKind == JsonValueKind.Null)
            return null;
        return node.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(node.GetString())
            ? node.GetString()!
            : throw where.Fail(name ?? field, $"expected a non-empty text, got {Describe(node)}");
    }

    private static int? OptionalInt(JsonElement item, string field, Where where, int min, int max, string? name = null)
    {
        if (!item.TryGetProperty(field, out var node) || node.ValueKind == JsonValueKind.Null)
            return null;
        var range = min == int.MinValue ? "a whole number" : $"a whole number from {min} to {max}";
        if (node.ValueKind != JsonValueKind.Number || !node.TryGetInt32(out var number) || number < min || number > max)
            throw where.Fail(name ?? field, $"expected {range}, got {Describe(node)}");
        return number;
    }

    private static string Describe(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        JsonValueKind.String => $"\"{node.GetString()}\"",
        _ => node.GetRawText(),
    };

    /// <summary>Where a problem is: the file, and the schedule (position, and name once known).</summary>
    private readonly record struct Where(string Source, int Index, string? Name)
    {
        public ScheduleLoadException Fail(string? field, string problem)
        {
            var at = Name is null ? $"{Source}: schedule #{Index}" : $"{Source}: schedule '{Name}' (#{Index})";
            return new ScheduleLoadException(field is null ? $"{at}: {problem}" : $"{at}: {field}: {problem}");
        }
    }
}
