import KeelCore
import KeelStore
import KeelTracking
import NIOCore

/// The artifacts section of a run page: the folder being browsed and, when a file is picked,
/// its preview.
struct ArtifactBrowser {
    struct Entry {
        var name: String
        var href: String
        var isDirectory: Bool
        var size: String
    }

    struct Preview {
        var name: String
        var size: String
        var downloadHref: String
        var imageHref: String?
        var text: String?
        var truncated: String?
        var noPreview: String?
    }

    var crumbs: [Link]
    var unavailable: String?
    var entries: [Entry]
    var hasEntries: Bool
    var isEmptyFolder: Bool
    var preview: Preview?

    /// The most bytes of a text artifact shown in the page.
    static let previewBytes = 64 * 1024
    /// Extensions previewed as text.
    static let textExtensions: Set<String> = [
        "txt", "log", "md", "csv", "tsv", "json", "yaml", "yml", "py", "toml", "ini", "cfg", "html", "xml", "svg", "mlmodel", "",
    ]

    /// Where a run's artifacts sit in the store, or nil when its URI points elsewhere.
    static func root(of artifactURI: String) -> ArtifactPath? {
        let scheme = "mlflow-artifacts:/"
        guard artifactURI.hasPrefix(scheme), !artifactURI.hasPrefix(scheme + "/") else { return nil }
        return try? ArtifactPath(validating: String(artifactURI.dropFirst(scheme.count)))
    }

    /// `relative` (as the user gave it) under `root`; refused if it is unsafe or leaves the root.
    static func resolve(_ relative: String, under root: ArtifactPath) throws -> ArtifactPath {
        let inner = try ArtifactPath(validating: relative)
        var path = root
        for component in inner.components { path = try path.appending(component) }
        guard path.isWithin(root) else { throw KeelError.invalidParameter("Invalid path '\(relative)'.") }
        return path
    }

    /// The media type of a raster image the browser may show inline, by extension.
    static func imageType(of name: String) -> String? {
        switch fileExtension(name) {
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        default: nil
        }
    }

    static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name == "MLmodel" ? "mlmodel" : "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

extension WebSite {
    /// The artifacts section for the folder or file at `relative` inside the run's artifacts.
    func artifactBrowser(run: RunInfo, path relative: String) async throws -> ArtifactBrowser {
        var browser = ArtifactBrowser(crumbs: [], unavailable: nil, entries: [], hasEntries: false, isEmptyFolder: false, preview: nil)
        let runHref = Href.run(run.runID)
        func folderHref(_ path: String) -> String { runHref + Format.query([("path", path)]) + "#artifacts" }
        guard let root = ArtifactBrowser.root(of: run.artifactURI) else {
            browser.unavailable = "This run's artifacts are stored outside Keel (\(run.artifactURI)), so they cannot be browsed here."
            return browser
        }
        let target = try ArtifactBrowser.resolve(relative, under: root)
        let inner = Array(target.components.dropFirst(root.components.count))
        browser.crumbs = [Link(text: "artifacts", href: folderHref(""))]
        for index in inner.indices {
            browser.crumbs.append(Link(text: inner[index], href: folderHref(inner[...index].joined(separator: "/"))))
        }

        var folder = target
        var folderInner = inner
        switch try await artifacts.kind(of: target) {
        case nil:
            guard inner.isEmpty else { throw KeelError.notFound("The run has no artifact '\(relative)'.") }
            browser.isEmptyFolder = true
            return browser
        case .directory:
            break
        case .file(let size):
            folderInner = Array(inner.dropLast())
            folder = try ArtifactBrowser.resolve(folderInner.joined(separator: "/"), under: root)
            browser.preview = try await preview(of: target, size: size, runID: run.runID, relative: inner.joined(separator: "/"))
        }
        let entries = (try await artifacts.list(folder) ?? []).sorted {
            $0.isDirectory != $1.isDirectory ? $0.isDirectory : $0.name < $1.name
        }
        browser.entries = entries.map { entry in
            ArtifactBrowser.Entry(
                name: entry.name, href: folderHref((folderInner + [entry.name]).joined(separator: "/")),
                isDirectory: entry.isDirectory, size: Format.bytes(entry.size)
            )
        }
        browser.hasEntries = !entries.isEmpty
        browser.isEmptyFolder = entries.isEmpty && browser.preview == nil
        return browser
    }

    private func preview(of path: ArtifactPath, size: Int64, runID: String, relative: String) async throws -> ArtifactBrowser.Preview {
        let fileHref = Href.run(runID) + "/artifact" + Format.query([("path", relative)])
        var preview = ArtifactBrowser.Preview(
            name: path.lastComponent, size: Format.bytes(size), downloadHref: fileHref,
            imageHref: nil, text: nil, truncated: nil, noPreview: nil
        )
        if ArtifactBrowser.imageType(of: path.lastComponent) != nil {
            preview.imageHref = fileHref
            return preview
        }
        guard ArtifactBrowser.textExtensions.contains(ArtifactBrowser.fileExtension(path.lastComponent)) else {
            preview.noPreview = "No preview for this kind of file."
            return preview
        }
        let head = try await readHead(of: path, limit: ArtifactBrowser.previewBytes)
        // Cut at a character boundary: a multi-byte character split by the limit is dropped.
        var bytes = head
        var text = String(validating: bytes, as: UTF8.self)
        while text == nil, !bytes.isEmpty, head.count - bytes.count < 4, Int64(head.count) < size {
            bytes.removeLast()
            text = String(validating: bytes, as: UTF8.self)
        }
        guard let text else {
            preview.noPreview = "This file is not UTF-8 text."
            return preview
        }
        preview.text = text
        if size > Int64(head.count) { preview.truncated = Format.bytes(Int64(head.count)) }
        return preview
    }

    /// The first `limit` bytes of a file, without reading the rest.
    private func readHead(of path: ArtifactPath, limit: Int) async throws -> [UInt8] {
        struct Enough: Error {}
        var bytes: [UInt8] = []
        do {
            try await artifacts.read(path) { chunk in
                bytes += chunk.readableBytesView.prefix(limit - bytes.count)
                if bytes.count >= limit { throw Enough() }
            }
        } catch is Enough {}
        return bytes
    }
}
