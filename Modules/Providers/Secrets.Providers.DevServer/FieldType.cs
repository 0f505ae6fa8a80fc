namespace Secrets.Providers.DevServer;

/// <summary>The <c>framework.FieldType</c>s the KV v2 paths use.</summary>
internal enum FieldType { String, Int, Bool, Map, DurationSecond, SignedDurationSecond, CommaIntSlice }
