using System.Globalization;

namespace RecSynth.Outside.Internals;

/// <summary>Which message a problem came with: its type, and its step for <c>choose</c> and <c>outcomes</c>.</summary>
internal readonly record struct MessageLabel(string Type, int? Step)
{
    public static MessageLabel Hello => new("hello", null);

    public static MessageLabel End => new("end", null);

    /// <summary>How a problem's message begins: <c>step 17</c>, or the message type (<c>hello</c>, <c>end</c>).</summary>
    public string Prefix => Step is int step ? string.Create(CultureInfo.InvariantCulture, $"step {step}") : Type;

    /// <summary>For a run that stops here: <c>; the last step completed was 16</c> (a step is completed once its outcomes are answered).</summary>
    public string Completed => Step switch
    {
        > 0 and int step => string.Create(CultureInfo.InvariantCulture, $"; the last step completed was {step - 1}"),
        0 => "; no step was completed",
        _ => "",
    };

    public OutsidePolicyException Problem(string text, Exception? innerException = null) => new($"{Prefix}: {text}", Step, innerException);

    /// <summary>A problem with one session's part of an answer: <c>step 17, session 780000017: …</c>.</summary>
    public OutsidePolicyException Problem(string session, string text) => new($"{Prefix}, session {session}: {text}", Step);

    public OutsidePolicyException Problem(long session, string text) => Problem(session.ToString(CultureInfo.InvariantCulture), text);
}
