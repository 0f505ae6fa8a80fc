using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Secrets.Host.Tests.Bodies.RequestBodies;

namespace Secrets.Host.Tests.Bodies;

/// <summary>
/// The path a JSON body takes before any endpoint code runs, at 100,000 generated bodies per endpoint: the request DTO
/// and validator of each FastEndpoints endpoint, as the running host registered them, and the host's own serializer
/// options. Reading a body either succeeds or fails with a <see cref="JsonException"/> (which the host turns into
/// 400 <c>INVALID_REQUEST</c>); any other exception would be a 500. Validation never throws, and its messages (sent back
/// in <c>errors</c>) never repeat a value of the body. The AuthZEN endpoints read their bodies themselves; their reader
/// runs through <see cref="RequestBodyPropertyTests"/> over HTTP.
/// </summary>
public sealed class RequestBindingPropertyTests(BodyFuzzHost host) : IClassFixture<BodyFuzzHost>
{
    private const long Iterations = 100_000;

    public static TheoryData<string, string> DtoEndpoints()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in Targets.Where(t => !t.Binary && !t.Path.StartsWith("/access/", StringComparison.Ordinal) && !t.Path.Contains("/approvals/", StringComparison.Ordinal)))
            data.Add(target.Method, target.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(DtoEndpoints))]
    public void Generated_bodies_bind_or_fail_as_invalid_json_and_validate_without_echoing_input(string method, string path)
    {
        var target = Find(method, path);
        var definition = Definition(method, path);
        var dtoType = definition.ReqDtoType;
        var options = HostSerializerOptions();
        var validator = definition.ValidatorType is { } validatorType
            ? (IValidator)ActivatorUtilities.CreateInstance(host.Services, validatorType)
            : null;

        For(target).Where(body => body.ContentType is "application/json").Sample(body =>
        {
            object? request;
            try
            {
                request = body.Bytes.Length == 0 ? null : JsonSerializer.Deserialize(body.Bytes, dtoType, options);
            }
            catch (JsonException)
            {
                return;   // 400 INVALID_REQUEST, with a fixed message
            }
            if (request is null || validator is null)
                return;
            var result = validator.Validate(new FluentValidation.ValidationContext<object>(request));
            foreach (var failure in result.Errors)
            {
                failure.ErrorMessage.ShouldNotContain(RequestMarker);
                failure.ErrorMessage.ShouldNotContain("yaml://");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Every_endpoint_with_a_request_dto_is_a_target()
    {
        var withBodies = Definitions()
            .Where(d => d.ReqDtoType != typeof(EmptyRequest) && d.Verbs.Any(v => v is "POST" or "PUT" or "PATCH" or "DELETE"))
            .SelectMany(d => d.Verbs.Select(v => v + " " + d.Routes[0]))
            .ToList();
        withBodies.ShouldNotBeEmpty();
        var covered = DtoEndpoints().Select(row => row[0] + " " + row[1]).ToHashSet(StringComparer.Ordinal);
        foreach (var endpoint in withBodies)
            covered.ShouldContain(endpoint);
    }

    private IEnumerable<EndpointDefinition> Definitions() =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<EndpointDefinition>())
            .OfType<EndpointDefinition>()
            .Distinct();

    private EndpointDefinition Definition(string method, string path) =>
        Definitions().Single(d => d.Verbs.Contains(method) && d.Routes.Contains(path));

    /// <summary>
    /// The serializer options the host configured for FastEndpoints (<c>c.Serializer.Options</c>: naming, unknown members
    /// refused, converters). FastEndpoints keeps them in a static of its own: found by type, and checked to carry the
    /// host's settings, so these are the options request bodies are read with, not defaults that merely look alike.
    /// </summary>
    private static JsonSerializerOptions HostSerializerOptions()
    {
        const BindingFlags statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var candidates = typeof(SerializerOptions).Assembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetProperties(statics).Where(p => p.PropertyType == typeof(SerializerOptions) && p.GetIndexParameters().Length == 0).Select(p => p.GetValue(null))
                .Concat(t.GetFields(statics).Where(f => f.FieldType == typeof(SerializerOptions)).Select(f => f.GetValue(null))))
            .OfType<SerializerOptions>()
            .Select(o => o.Options)
            .Where(o => o.UnmappedMemberHandling == JsonUnmappedMemberHandling.Disallow)
            .Distinct()
            .ToList();
        var options = candidates.ShouldHaveSingleItem("the host's FastEndpoints serializer options");
        options.PropertyNamingPolicy.ShouldBe(JsonNamingPolicy.CamelCase);
        return options;
    }
}
