import KeelCore

/// Markdown and HTML renderings of a card document.
extension CardDocument {
    /// GitHub-flavoured Markdown.
    public var markdown: String {
        var out = "# \(title)\n\n_\(subtitle)_\n"
        for section in sections {
            out += "\n## \(section.title)\n\n"
            if !section.euAIAct.isEmpty { out += "> EU AI Act: " + section.euAIAct.joined(separator: "; ") + "\n\n" }
            for block in section.blocks {
                switch block {
                case .paragraph(let text): out += Self.markdownText(text) + "\n\n"
                case .gap(let text): out += "> **Missing:** " + Self.markdownText(text) + "\n\n"
                case .subheading(let text): out += "### " + Self.markdownText(text) + "\n\n"
                case .facts(let facts): out += facts.map { "- **\(Self.markdownText($0.0)):** \(Self.markdownText($0.1))" }.joined(separator: "\n") + "\n\n"
                case .table(let headers, let rows):
                    out += "| " + headers.map(Self.markdownCell).joined(separator: " | ") + " |\n"
                    out += "|" + String(repeating: " --- |", count: headers.count) + "\n"
                    for row in rows { out += "| " + row.map(Self.markdownCell).joined(separator: " | ") + " |\n" }
                    out += "\n"
                }
            }
        }
        return out
    }

    /// A standalone HTML page; every value is escaped.
    public var html: String {
        var out = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.45}
            h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}h3{font-size:1rem}
            table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
            th{background:#f6f8fa}.eu{color:#57606a;font-size:.85rem}.gap{background:#fff8c5;border-left:4px solid #d4a72c;padding:.4rem .6rem}
            dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
            </style></head><body>
            <h1>\(Self.escape(title))</h1><p><em>\(Self.escape(subtitle))</em></p>

            """
        for section in sections {
            out += "<section><h2>\(Self.escape(section.title))</h2>\n"
            if !section.euAIAct.isEmpty {
                out += "<p class=\"eu\">EU AI Act: " + section.euAIAct.map(Self.escape).joined(separator: "; ") + "</p>\n"
            }
            for block in section.blocks {
                switch block {
                case .paragraph(let text): out += "<p>\(Self.escape(text))</p>\n"
                case .gap(let text): out += "<p class=\"gap\"><strong>Missing:</strong> \(Self.escape(text))</p>\n"
                case .subheading(let text): out += "<h3>\(Self.escape(text))</h3>\n"
                case .facts(let facts):
                    out += "<dl>" + facts.map { "<dt>\(Self.escape($0.0))</dt><dd>\(Self.escape($0.1))</dd>" }.joined() + "</dl>\n"
                case .table(let headers, let rows):
                    out += "<table><tr>" + headers.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>"
                    for row in rows { out += "<tr>" + row.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>" }
                    out += "</table>\n"
                }
            }
            out += "</section>\n"
        }
        return out + "</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }

    /// Owner-typed text must not become markup: `<` cannot open a tag, line breaks become spaces.
    /// The rest stays as typed, so the Markdown reads well in a terminal too.
    static func markdownText(_ text: String) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\n", with: " ")
    }

    static func markdownCell(_ text: String) -> String {
        markdownText(text).replacingOccurrences(of: "|", with: "\\|")
    }
}
