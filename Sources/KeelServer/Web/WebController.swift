import Foundation
import HTTPTypes
import Hummingbird
import KeelCore
import KeelGovernance
import KeelStore
import KeelWeb
import NIOCore

/// The web pages under `/ui`: decodes the request, asks ``WebSite`` for the page, encodes it.
///
/// Route parameters are named like the API's fields (`experiment_id`, `run_id`, `name`), so the
/// access rules that guard the API guard the pages with the same resolvers.
struct WebController: Sendable {
    let site: WebSite
    let artifacts: any ArtifactStore
    let identities: IdentityService
    /// Nil on a server without `--auth`: no sign-in, everything readable.
    let permissions: PermissionService?

    func addRoutes(to router: Router<KeelRequestContext>) {
        let site = site, artifacts = artifacts, permissions = permissions
        func page(_ path: RouterPath, _ render: @escaping @Sendable (WebSite, Request, KeelRequestContext, Viewer) async throws -> WebResponse) {
            router.get(path) { request, context in
                let viewer = Viewer(identity: context.identity, permissions: permissions)
                return WebResponses.response(try await render(site, request, context, viewer), artifacts: artifacts)
            }
        }
        router.get("/") { _, _ in Response.redirect(to: "/ui/experiments", type: .normal) }
        router.get("ui") { _, _ in Response.redirect(to: "/ui/experiments", type: .normal) }
        router.get("ui/static/keel.css") { _, _ in WebResponses.asset(WebSite.stylesheet, contentType: "text/css; charset=utf-8") }
        router.get("ui/static/keel.svg") { _, _ in WebResponses.asset(WebSite.icon, contentType: "image/svg+xml") }
        router.get("ui/static/keel.js") { _, _ in WebResponses.asset(WebSite.script, contentType: "text/javascript; charset=utf-8") }
        router.get("ui/login", use: loginForm)
        router.post("ui/login", use: login)
        router.post("ui/logout", use: logout)
        page("ui/experiments") { site, request, _, viewer in try await site.experiments(request.items, viewer: viewer) }
        page("ui/experiments/{experiment_id}") { site, request, context, viewer in
            try await site.experiment(id: context.parameters.get("experiment_id") ?? "", request.items, viewer: viewer)
        }
        page("ui/experiments/{experiment_id}/traces") { site, request, context, viewer in
            try await site.traces(experimentID: context.parameters.get("experiment_id") ?? "", request.items, viewer: viewer)
        }
        page("ui/traces/{trace_id}") { site, _, context, viewer in
            try await site.trace(id: context.parameters.get("trace_id") ?? "", viewer: viewer)
        }
        page("ui/runs/{run_id}") { site, request, context, viewer in
            try await site.run(id: context.parameters.get("run_id") ?? "", request.items, viewer: viewer)
        }
        page("ui/runs/{run_id}/artifact") { site, request, context, viewer in
            try await site.runArtifact(id: context.parameters.get("run_id") ?? "", request.items, viewer: viewer)
        }
        page("ui/compare") { site, request, _, viewer in try await site.compare(request.items, viewer: viewer) }
        page("ui/models") { site, request, _, viewer in try await site.models(request.items, viewer: viewer) }
        page("ui/models/{name}") { site, _, context, viewer in
            try await site.model(name: context.parameters.get("name") ?? "", viewer: viewer)
        }
        page("ui/models/{name}/versions/{version}/card") { site, _, context, viewer in
            try await site.modelCard(name: context.parameters.get("name") ?? "", version: context.parameters.get("version") ?? "", viewer: viewer)
        }
        page("ui/audit") { site, request, _, viewer in try await site.audit(request.items, viewer: viewer) }
        page("ui/pipelines") { site, _, _, viewer in try await site.pipelines(viewer: viewer) }
        page("ui/pipelines/{name}") { site, request, context, viewer in
            try await site.pipeline(name: context.parameters.get("name") ?? "", request.items, viewer: viewer)
        }
        page("ui/deployments") { site, _, _, viewer in try await site.deployments(viewer: viewer) }
        page("ui/deployments/{name}") { site, request, context, viewer in
            try await site.deployment(name: context.parameters.get("name") ?? "", request.items, viewer: viewer)
        }
        page("ui/deployments/{name}/monitoring") { site, request, context, viewer in
            try await site.monitoring(deployment: context.parameters.get("name") ?? "", request.items, viewer: viewer)
        }
        page("ui/models/{name}/versions/{version}") { site, _, context, viewer in
            try await site.modelVersion(
                name: context.parameters.get("name") ?? "", version: context.parameters.get("version") ?? "", viewer: viewer
            )
        }
    }
}
