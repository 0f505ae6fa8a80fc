namespace Secrets.Providers.DevServer.Tests;

/// <summary>The Go formats and parsers the dev server answers with, against what Go itself prints.</summary>
public sealed class GoFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1.0, "1")]
    [InlineData(100.0, "100")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.001, "0.001")]
    [InlineData(-7.25, "-7.25")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(12345678901234567890.0, "12345678901234567000")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(-2e-7, "-2e-7")]
    public void A_float64_is_written_as_encoding_json_writes_it(double value, string go) =>
        GoFormat.Float(value).ShouldBe(go);

    [Theory]
    [InlineData("42", true, 42L)]
    [InlineData("-42", true, -42L)]
    [InlineData("+7", true, 7L)]
    [InlineData("0x1F", true, 31L)]
    [InlineData("0o17", true, 15L)]
    [InlineData("017", true, 15L)]
    [InlineData("0b101", true, 5L)]
    [InlineData("1_000", true, 1000L)]
    [InlineData("0", true, 0L)]
    [InlineData("9223372036854775807", false, long.MaxValue)]
    [InlineData("-9223372036854775808", false, long.MinValue)]
    public void Ints_parse_as_strconv_parses_them(string text, bool base0, long value)
    {
        GoFormat.ParseInt(text, base0, out var parsed).ShouldBeNull();
        parsed.ShouldBe(value);
    }

    [Theory]
    [InlineData("", true, "invalid syntax")]
    [InlineData("-", true, "invalid syntax")]
    [InlineData("abc", true, "invalid syntax")]
    [InlineData("1.5", false, "invalid syntax")]
    [InlineData("08", true, "invalid syntax")]
    [InlineData("0x", true, "invalid syntax")]
    [InlineData("1__0", true, "invalid syntax")]
    [InlineData("_1", true, "invalid syntax")]
    [InlineData("1_000", false, "invalid syntax")]
    [InlineData("9223372036854775808", false, "value out of range")]
    [InlineData("99999999999999999999x", false, "value out of range")]
    public void Bad_ints_fail_with_strconvs_reason(string text, bool base0, string reason) =>
        GoFormat.ParseInt(text, base0, out _).ShouldBe(reason);

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("90s", 90_000_000_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("-1.5h", -5_400_000_000_000L)]
    [InlineData("300ms", 300_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1µs", 1_000L)]
    public void Durations_parse_as_time_ParseDuration_parses_them(string text, long nanoseconds)
    {
        GoFormat.ParseDuration(text, out var parsed).ShouldBeNull();
        parsed.ShouldBe(nanoseconds);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("abc", "time: invalid duration \"abc\"")]
    [InlineData("1.5", "time: missing unit in duration \"1.5\"")]
    [InlineData("5x", "time: unknown unit \"x\" in duration \"5x\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    public void Bad_durations_fail_with_gos_text(string text, string error) =>
        GoFormat.ParseDuration(text, out _).ShouldBe(error);

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h0m0s")]
    [InlineData(-1, "-1s")]
    [InlineData(0, "0s")]
    public void Whole_seconds_print_as_time_Duration_String(long seconds, string text) =>
        GoFormat.Duration(seconds).ShouldBe(text);

    [Fact]
    public void Timestamps_are_rfc3339nano_in_utc_with_trailing_zeros_dropped()
    {
        GoFormat.Time(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1_234_500)).ShouldBe("2031-05-06T05:08:09.12345Z");
        GoFormat.Time(new DateTimeOffset(2031, 5, 6, 7, 8, 10, TimeSpan.Zero)).ShouldBe("2031-05-06T07:08:10Z");
        GoFormat.Time((DateTimeOffset?)null).ShouldBe("");
    }
}
