using System.Net;
using System.Text;

namespace RecSynth.Reports.Internals;

/// <summary>
/// A self-contained HTML page: inline CSS, PNG charts as data: URIs, no script and no external resource, so it opens
/// anywhere (mail, file://, an air-gapped machine).
/// </summary>
internal sealed class HtmlPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 860px; color: #222; line-height: 1.4; }
        h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
        table { border-collapse: collapse; margin: 1rem 0; }
        th, td { padding: 0.2rem 0.8rem; border-bottom: 1px solid #eee; text-align: left; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: 0.9rem; color: #555; }
        p.note { background: #f6f6f6; padding: 0.5rem 0.8rem; border-left: 3px solid #999; }
        code { background: #f3f3f3; padding: 0 0.2rem; }
        """;

    private readonly StringBuilder _html = new();

    public HtmlPage(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n");
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A name as an id fragment: ASCII letters, digits, '-', '_' and '.', anything else as '-'.</summary>
    public static string Slug(string name) =>
        string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '-'));

    /// <summary>Appends raw, already encoded HTML.</summary>
    public HtmlPage Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public HtmlPage Paragraph(string text, string? cssClass = null, string? id = null)
    {
        _html.Append("<p").Append(Attribute("id", id)).Append(Attribute("class", cssClass)).Append('>').Append(Encode(text)).Append("</p>\n");
        return this;
    }

    public HtmlPage BeginSection(string id, string heading)
    {
        _html.Append("<section id=\"").Append(Encode(id)).Append("\">\n<h2>").Append(Encode(heading)).Append("</h2>\n");
        return this;
    }

    public HtmlPage EndSection()
    {
        _html.Append("</section>\n");
        return this;
    }

    /// <summary>A table; cells that parse as numbers (after removing thousands separators and %) are right-aligned.</summary>
    public HtmlPage Table(string id, IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows)
    {
        _html.Append("<table id=\"").Append(Encode(id)).Append("\">\n<thead><tr>");
        foreach (string heading in headings)
        {
            _html.Append("<th>").Append(Encode(heading)).Append("</th>");
        }

        _html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            _html.Append("<tr>");
            for (int c = 0; c < row.Count; c++)
            {
                _html.Append(c > 0 && LooksNumeric(row[c]) ? "<td class=\"number\">" : "<td>").Append(Encode(row[c])).Append("</td>");
            }

            _html.Append("</tr>\n");
        }

        _html.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>A chart as a PNG data: URI, with its size so the page does not reflow while it decodes.</summary>
    public HtmlPage Figure(string id, byte[] png, string alt, string caption)
    {
        _html.Append("<figure id=\"").Append(Encode(id)).Append("\">\n<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
            .Append("\" width=\"").Append(Charts.Width).Append("\" height=\"").Append(Charts.Height).Append("\" alt=\"").Append(Encode(alt)).Append("\">\n")
            .Append("<figcaption>").Append(Encode(caption)).Append("</figcaption>\n</figure>\n");
        return this;
    }

    public override string ToString() => _html.ToString() + "</body>\n</html>\n";

    private static string Attribute(string name, string? value) => value is null ? "" : $" {name}=\"{Encode(value)}\"";

    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && cell.Replace(",", "", StringComparison.Ordinal).Replace("%", "", StringComparison.Ordinal).Replace(" / ", "", StringComparison.Ordinal).Trim()
            .All(ch => char.IsAsciiDigit(ch) || ch is '.' or '-' or ' ' or '(' or ')');
}
