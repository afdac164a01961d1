/// Every page template, by the name pages render them with.
///
/// Templates are Swift strings so the binary carries them: no files to install, no CDN, and a
/// page works offline. Each page extends `layout`, filling its `body` block.
enum Templates {
    static let all: [(String, String)] = [
        ("layout", layout),
        ("error", error),
        ("login", login),
        ("experiments", experiments),
        ("experiment", experiment),
        ("run", run),
        ("compare", compare),
        ("models", models),
        ("model", model),
        ("model-version", modelVersion),
        ("deployments", deployments),
        ("deployment", deployment),
        ("monitoring", monitoring),
        ("card", card),
        ("pipelines", pipelines),
        ("traces", traces),
        ("trace", trace),
        ("pipeline", pipeline),
        ("audit", audit),
    ]
}
