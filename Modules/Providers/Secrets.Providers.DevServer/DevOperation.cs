namespace Secrets.Providers.DevServer;

/// <summary>OpenBao's logical operations, from the HTTP method (and <c>?list=true</c>, <c>?scan=true</c>).</summary>
internal enum DevOperation { Read, List, Scan, Update, Delete, Patch }
