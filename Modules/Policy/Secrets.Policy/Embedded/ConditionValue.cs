namespace Secrets.Policy.Embedded;

internal enum ConditionValue
{
    Subject,
    Client,
    Literal,
}
