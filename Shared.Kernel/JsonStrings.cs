using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Shared.Kernel;

/// <summary>
/// JSON that parsed may still hold strings that are not text: the reader accepts invalid UTF-8 inside a string and an
/// escaped lone surrogate (<c>"\ud800"</c>), and only reading the string throws (<see cref="InvalidOperationException"/>).
/// Code that reads untrusted JSON checks it once here, so that a later read cannot fail as a server error.
/// </summary>
public static class JsonStrings
{
    /// <summary>True when every string value and member name in <paramref name="element"/>, at any depth, is text.</summary>
    public static bool AreWellFormed(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name is not null && AreWellFormed(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(AreWellFormed),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The next JSON value of a request body as a node, refused (<see cref="JsonException"/>, a 400) when a string in it is not text.</summary>
    internal static JsonNode? ReadNode(ref Utf8JsonReader reader)
    {
        var element = JsonElement.ParseValue(ref reader);
        if (!AreWellFormed(element))
            throw new JsonException("a string in the value is not UTF-8 text");
        return JsonNode.Parse(element.GetRawText());
    }
}
