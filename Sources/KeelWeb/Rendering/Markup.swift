import KeelCore

/// Escaping for text placed in HTML or SVG outside Mustache (charts are built as strings).
enum Markup {
    /// `text` safe inside element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }

    /// The opening of a chart: `<svg>` labelled for screen readers, its `<title>`, and a heading
    /// line at the top left. A `natural` chart keeps its own size (narrower than the page);
    /// the others stretch to the width of their column.
    static func svgOpen(title: String, heading: String? = nil, width: Double, height: Double, natural: Bool = false, classes: String = "") -> String {
        let size = natural ? "width=\"\(Int(width))\" height=\"\(Int(height))\" " : ""
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\(natural ? " natural" : "")\(classes.isEmpty ? "" : " " + classes)\" "
        svg += "\(size)viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">\n"
        svg += "<title>\(escape(title))</title>\n"
        if let heading { svg += "<text x=\"4\" y=\"16\" class=\"chart-title\">\(escape(heading))</text>\n" }
        return svg
    }

    /// A coordinate with at most two decimals, so SVG stays small.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }
}
