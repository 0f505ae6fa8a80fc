using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// Reads what the embedded PDP's endpoints receive, entity by entity, so that one unreadable item of a batch
/// is that item's error and not the batch's. A missing entity, a missing required member (subject type and id,
/// resource type and id, action name), a member of the wrong type among those the mapping reads
/// (docs/AUTHORIZATION.md#request) is a <see cref="SecretsProblem"/> 400 INVALID_REQUEST whose detail names the
/// entity and never repeats input. Members beyond the mapped ones, in properties or anywhere else, are
/// accepted and passed on as given (<see cref="PolicyProperties"/>).
/// </summary>
internal static class AuthZenReader
{
    /// <summary>A member of an object; absent, a JSON null or a non-object parent is null.</summary>
    public static JsonElement? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>A subject: type always, id unless it is the entity a search looks for (whose id is ignored, AuthZEN 1.0 §8.4).</summary>
    public static AuthZenSubject Subject(JsonElement? element, bool withId = true)
    {
        var subject = Entity(element, "subject", AuthZenJson.Default.AuthZenSubject);
        if (subject.Type is not { Length: > 0 } || (withId && subject.Id is not { Length: > 0 }))
            throw Invalid("subject");
        return subject;
    }

    /// <summary>A resource: type always, id unless it is the entity a search looks for (AuthZEN 1.0 §8.5).</summary>
    public static AuthZenResource Resource(JsonElement? element, bool withId = true)
    {
        var resource = Entity(element, "resource", AuthZenJson.Default.AuthZenResource);
        if (resource.Type is not { Length: > 0 } || (withId && resource.Id is not { Length: > 0 }))
            throw Invalid("resource");
        return resource;
    }

    public static AuthZenAction Action(JsonElement? element)
    {
        var action = Entity(element, "action", AuthZenJson.Default.AuthZenAction);
        return action.Name is { Length: > 0 } ? action : throw Invalid("action");
    }

    /// <summary>The optional context: absent is null.</summary>
    public static AuthZenContext? Context(JsonElement? element) =>
        element is null ? null : Entity(element, "context", AuthZenJson.Default.AuthZenContext);

    /// <summary>One evaluation as the PDP's question (or its refusal); unreadable is 400 INVALID_REQUEST naming the entity.</summary>
    public static AuthZenQuestion Question(ReceivedEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var subject = Subject(evaluation.Subject);
        var action = Action(evaluation.Action);
        var resource = Resource(evaluation.Resource);
        var context = Context(evaluation.Context);
        var question = AuthZenMapping.Question(subject, resource, action, context);
        return question.Request is { } request
            ? question with { Request = request with { Properties = PropertiesOf(evaluation) } }
            : question;
    }

    /// <summary>
    /// Every top-level default of a batch that is given must be readable, even where each item replaces it:
    /// a malformed request as a whole is a 400, only an item is an item's error.
    /// </summary>
    public static void CheckDefaults(ReceivedEvaluation defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (defaults.Subject is not null)
            Subject(defaults.Subject);
        if (defaults.Action is not null)
            Action(defaults.Action);
        if (defaults.Resource is not null)
            Resource(defaults.Resource);
        Context(defaults.Context);
    }

    /// <summary>
    /// <c>options.evaluations_semantic</c> of a batch (AuthZEN 1.0 §7.1.2): absent is execute_all; options that are
    /// not an object, or a semantic that is not one of the three, is 400 INVALID_REQUEST. Other options are ignored.
    /// </summary>
    public static EvaluationSemantic Semantic(JsonElement batch)
    {
        if (Member(batch, "options") is not { } options)
            return EvaluationSemantic.ExecuteAll;
        if (options.ValueKind != JsonValueKind.Object)
            throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "options must be an object");
        return Member(options, "evaluations_semantic") switch
        {
            null => EvaluationSemantic.ExecuteAll,
            { ValueKind: JsonValueKind.String } name => AuthZenMapping.SemanticFrom(name.GetString()),
            _ => throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "options.evaluations_semantic must be a string"),
        };
    }

    public static SecretsProblem Invalid(string entity) =>
        new(ErrorCode.InvalidRequest, detail: entity == "context" ? "context is invalid" : entity + " is missing or invalid");

    private static T Entity<T>(JsonElement? element, string name, JsonTypeInfo<T> type)
        where T : class
    {
        if (element is not { ValueKind: JsonValueKind.Object } value)
            throw Invalid(name);
        try
        {
            return value.Deserialize(type) ?? throw Invalid(name);
        }
        catch (JsonException)
        {
            throw Invalid(name);
        }
    }

    /// <summary>The properties and context as given, copied out of the request's document (which is gone after the request).</summary>
    private static PolicyProperties PropertiesOf(ReceivedEvaluation evaluation) => new(
        PropertiesOf(evaluation.Subject), PropertiesOf(evaluation.Resource), PropertiesOf(evaluation.Action), evaluation.Context?.Clone());

    private static JsonElement? PropertiesOf(JsonElement? entity) =>
        entity is { } value && Member(value, "properties") is { } properties ? properties.Clone() : null;
}
