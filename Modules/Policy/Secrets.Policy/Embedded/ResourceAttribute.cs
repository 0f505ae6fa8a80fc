namespace Secrets.Policy.Embedded;

internal enum ResourceAttribute
{
    Owner,
    CreatedBy,
}
