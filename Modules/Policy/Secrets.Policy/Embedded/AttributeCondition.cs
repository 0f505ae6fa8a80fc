using Secrets.Policy.Decisions;

namespace Secrets.Policy.Embedded;

/// <summary>
/// A <c>when</c> condition: the resource attribute equals the subject id, the client id or a
/// literal (ordinal). A missing or empty attribute, or a missing client, never holds.
/// </summary>
internal sealed record AttributeCondition(ResourceAttribute Attribute, ConditionValue Value, string? Literal)
{
    public bool Holds(PolicyRequest request)
    {
        var attributes = request.Resource.Attributes;
        var actual = Attribute == ResourceAttribute.Owner ? attributes.Owner : attributes.CreatedBy;
        if (string.IsNullOrEmpty(actual))
            return false;
        var expected = Value switch
        {
            ConditionValue.Subject => request.Subject.Id,
            ConditionValue.Client => request.Subject.ClientId,
            _ => Literal,
        };
        return !string.IsNullOrEmpty(expected) && string.Equals(actual, expected, StringComparison.Ordinal);
    }
}
