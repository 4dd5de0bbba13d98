using RecSynth.Configuration;
using RecSynth.Outside.Internals;

namespace RecSynth.Outside.Tests;

/// <summary>Telling an outside policy's spec from a built-in name, and splitting an exec: command as a POSIX shell would.</summary>
public sealed class SpecTests
{
    [Theory]
    [InlineData("exec:python3 policy.py", true)]
    [InlineData("exec:", true)]
    [InlineData("http://127.0.0.1:8000/policy", true)]
    [InlineData("HTTPS://policy.example/v1", true)]
    [InlineData("http:nohost", true)]
    [InlineData("thompson", false)]
    [InlineData("fixed:0.25", false)]
    [InlineData("epsilon-greedy:0.1", false)]
    [InlineData("exec", false)]
    public void Outside_specs_are_told_from_built_in_names(string spec, bool outside) =>
        Assert.Equal(outside, OutsidePolicy.IsOutside(spec));

    [Theory]
    [InlineData("exec:python3 policy.py", new[] { "python3", "policy.py" })]
    [InlineData("exec:  /usr/bin/python3\t-u  'my policy.py'  --arms \"cf image\"", new[] { "/usr/bin/python3", "-u", "my policy.py", "--arms", "cf image" })]
    [InlineData("exec:prog a\\ b 'it'\\''s' \"say \\\"hi\\\" \\$HOME \\x\"", new[] { "prog", "a b", "it's", "say \"hi\" $HOME \\x" })]
    [InlineData("exec:prog '' \"\" x''y", new[] { "prog", "", "", "xy" })]
    [InlineData("exec:prog 'a|b' \"c;d\" e\\&f", new[] { "prog", "a|b", "c;d", "e&f" })]
    [InlineData("exec:prog one\\\ntwo", new[] { "prog", "onetwo" })]
    [InlineData("exec:prog end\\", new[] { "prog", "end\\" })]
    public void An_exec_command_is_split_as_a_POSIX_shell_splits_it(string spec, string[] words)
    {
        Assert.True(OutsidePolicy.TryParse(spec, out var parsed, out string? error), error);
        Assert.Equal(words, parsed.Command);
        Assert.Null(parsed.Endpoint);
        Assert.Equal(spec, parsed.ToString());
    }

    [Theory]
    [InlineData("exec:", "exec: needs a command after it, e.g. exec:python3 policy.py")]
    [InlineData("exec:   ", "exec: needs a command after it, e.g. exec:python3 policy.py")]
    [InlineData("exec:''", "exec: needs a command after it, e.g. exec:python3 policy.py")]
    [InlineData("exec:python3 'my policy.py", "exec: the ' at position 9 is never closed")]
    [InlineData("exec:python3 \"a \\\" b", "exec: the \" at position 9 is never closed")]
    [InlineData("exec:python3 p.py | tee log", "exec: | at position 14 would mean something to a shell, but exec: runs none; quote it ('|') to pass it on, or run a shell: exec:sh -c '…'")]
    [InlineData("http://", "is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/policy")]
    [InlineData("http:///policy", "is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/policy")]
    [InlineData("http:nohost", "is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/policy")]
    [InlineData("http://127.0.0.1:8000/policy?key=1", "may not have a query or fragment: each message is POSTed to the URL's path with its type appended (…/hello, …/choose)")]
    [InlineData("thompson", "is neither exec:COMMAND ARG… nor an http:// or https:// URL")]
    public void A_bad_spec_gets_a_clear_error(string spec, string expected)
    {
        Assert.False(OutsidePolicy.TryParse(spec, out var parsed, out string? error));
        Assert.Null(parsed);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Open_reports_a_bad_spec_at_the_policy_option()
    {
        var e = Assert.Throws<OptionsException>(() => OutsidePolicy.Open("exec:", new OutsidePolicyOptions()));
        var problem = Assert.Single(e.Problems);
        Assert.Equal("simulation.policy", problem.KeyPath);
        Assert.Equal("exec:", problem.Value);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/policy", "http://127.0.0.1:8000/policy")]
    [InlineData("https://policy.example/v1/", "https://policy.example/v1/")]
    [InlineData("http://localhost:9", "http://localhost:9/")]
    public void An_http_spec_keeps_its_path(string spec, string endpoint)
    {
        Assert.True(OutsidePolicy.TryParse(spec, out var parsed, out string? error), error);
        Assert.Equal(endpoint, parsed.Endpoint!.AbsoluteUri);
        Assert.True(parsed.Command.IsEmpty);
    }

    [Fact]
    public void Invalid_options_are_reported_together_with_their_ranges()
    {
        var options = new OutsidePolicyOptions { Timeout = TimeSpan.Zero, Batch = 0, MaxAttempts = 0, RetryDelay = TimeSpan.FromSeconds(-1) };
        var e = Assert.Throws<OptionsException>(() => OutsidePolicy.Open("http://127.0.0.1:9/p", options));
        Assert.Equal(["simulation.policy_timeout", "simulation.policy_batch", "simulation.policy_attempts", "simulation.policy_retry_delay"],
            e.Problems.Select(p => p.KeyPath));
        Assert.Contains("simulation.policy_batch = 0: must be at least 1", e.Message, StringComparison.Ordinal);
        Assert.Empty(new OutsidePolicyOptions().Validate());
    }

    [Fact]
    public void A_command_that_cannot_start_is_named()
    {
        var e = Assert.Throws<OutsidePolicyException>(() => OutsidePolicy.Open("exec:/nonexistent/recsynth-policy --x", new OutsidePolicyOptions()));
        Assert.StartsWith("cannot start the policy \"/nonexistent/recsynth-policy\": ", e.Message, StringComparison.Ordinal);
        Assert.Null(e.Step);
    }

    [Fact]
    public void The_splitter_has_no_expansions()
    {
        Assert.Equal(["echo", "~", "*", "a=b"], CommandLine.Split("echo ~ * a=b", out _)!.Value);
    }
}
