namespace RecSynth.Files;

/// <summary>One row of <c>products.csv</c>, as read back (see the README for the columns).</summary>
/// <param name="ItemId">item_id, e.g. <c>item_0</c>.</param>
/// <param name="Category">category.</param>
/// <param name="Subcategory">subcategory.</param>
/// <param name="Style">style.</param>
/// <param name="Color">color.</param>
/// <param name="Pattern">pattern.</param>
/// <param name="Material">material.</param>
/// <param name="Brand">brand.</param>
/// <param name="Condition">condition.</param>
/// <param name="Size">size.</param>
/// <param name="Price">price.</param>
/// <param name="ListedAt">listed_at (UTC).</param>
/// <param name="Popularity">popularity: the latent appeal (hidden ground truth).</param>
/// <param name="Title">title.</param>
public sealed record ProductRow(
    string ItemId,
    string Category,
    string Subcategory,
    string Style,
    string Color,
    string Pattern,
    string Material,
    string Brand,
    string Condition,
    string Size,
    double Price,
    DateTimeOffset ListedAt,
    double Popularity,
    string Title);
