import Mustache

/// Renders pages from the Mustache templates compiled into the binary.
///
/// Every template is parsed once, at start-up; a template that does not parse stops the server
/// from starting rather than failing one page later (and a unit test parses them all).
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// The page `template` filled from `context` (a struct or dictionary; `{{x}}` escapes HTML).
    func render(_ context: Any, template: String) -> String {
        guard let html = library.render(context, withTemplate: template) else {
            preconditionFailure("No template named '\(template)'; Templates.all must list it.")
        }
        return html
    }
}

/// The parts of every page around its body: title, navigation, who is signed in.
///
/// Stored properties only: Mustache reads values through reflection, which sees no computed ones.
struct Chrome {
    /// The `<title>` and the page heading.
    var title: String
    /// The top navigation, with the current section marked.
    var nav: [NavItem]
    /// The signed-in user, if the server has auth.
    var username: String?
    /// Breadcrumbs above the heading, outermost first.
    var trail: [Link]
    var hasTrail: Bool

    init(title: String, section: Section, viewer: Viewer, trail: [Link] = []) {
        self.title = title
        // The audit log is for admins (or everyone on a server without auth).
        let mayAudit = viewer.identity.map(\.isAdmin) ?? true
        nav = Section.allCases.filter { $0 != .audit || mayAudit }.map { NavItem(text: $0.title, href: $0.href, current: $0 == section) }
        username = viewer.identity?.username
        self.trail = trail
        hasTrail = !trail.isEmpty
    }

    /// The parts of the site in the top navigation.
    enum Section: CaseIterable {
        case experiments, models, deployments, pipelines, audit, none

        static var allCases: [Section] { [.experiments, .models, .deployments, .pipelines, .audit] }

        var title: String {
            switch self {
            case .experiments: "Experiments"
            case .models: "Models"
            case .deployments: "Deployments"
            case .pipelines: "Pipelines"
            case .audit: "Audit log"
            case .none: ""
            }
        }

        var href: String {
            switch self {
            case .experiments: "/ui/experiments"
            case .models: "/ui/models"
            case .deployments: "/ui/deployments"
            case .pipelines: "/ui/pipelines"
            case .audit: "/ui/audit"
            case .none: "/ui/"
            }
        }
    }
}

/// One entry of the top navigation.
struct NavItem {
    var text: String
    var href: String
    var current: Bool
}

/// A hyperlink: text and where it goes.
struct Link {
    var text: String
    var href: String
}
