namespace RecSynth.Files;

/// <summary>One row of <c>users.csv</c>, as read back (see the README for the columns).</summary>
/// <param name="UserId">user_id, e.g. <c>U000042</c>.</param>
/// <param name="AgeGroup">age_group.</param>
/// <param name="PrimaryStyle">primary_style.</param>
/// <param name="PriceSensitivity">price_sensitivity.</param>
/// <param name="SustainabilityFocus">sustainability_focus.</param>
/// <param name="StylePreferences">style_preferences: a JSON object of string arrays (colors, patterns, materials, brands).</param>
/// <param name="CfPreference">cf_preference (hidden ground truth).</param>
/// <param name="PreferenceConsistency">preference_consistency (hidden ground truth).</param>
/// <param name="Activity">activity: mean sessions per week (hidden ground truth).</param>
/// <param name="SignedUpAt">signed_up_at (UTC).</param>
/// <param name="DriftAt">drift_at, when the preference drifts (hidden ground truth).</param>
/// <param name="CfPreferenceAfter">cf_preference_after (hidden ground truth).</param>
public sealed record UserRow(
    string UserId,
    string AgeGroup,
    string PrimaryStyle,
    string PriceSensitivity,
    string SustainabilityFocus,
    string StylePreferences,
    double CfPreference,
    double PreferenceConsistency,
    double Activity,
    DateTimeOffset SignedUpAt,
    DateTimeOffset? DriftAt,
    double? CfPreferenceAfter);
