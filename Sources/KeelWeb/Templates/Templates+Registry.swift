extension Templates {
    /// Registered models with their newest version and aliases.
    static let models = """
        {{<layout}}{{$body}}
        <form class="bar" method="get" action="/ui/models" role="search">
        <label for="q">Name contains<input type="search" id="q" name="q" value="{{query}}"></label>
        <button type="submit">Search</button>
        </form>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasRows}}<div class="table-scroll"><table><caption class="visually-hidden">Registered models</caption>
        <thead><tr><th scope="col">Name</th><th scope="col" class="num">Latest version</th><th scope="col">Aliases</th><th scope="col">Last updated</th><th scope="col">Description</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="{{href}}">{{name}}</a></td><td class="num">{{#latestHref}}<a href="{{.}}">{{latest}}</a>{{/latestHref}}</td><td>{{#aliases}}<span class="pill">{{.}}</span>{{/aliases}}</td><td>{{updated}}</td><td>{{description}}</td></tr>
        {{/rows}}</tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="notice">No registered models match.</p>{{/hasRows}}
        <nav class="pager" aria-label="Pages">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}}{{#nextHref}}<a href="{{.}}" rel="next">Next page</a>{{/nextHref}}</nav>
        {{/body}}{{/layout}}
        """

    /// One registered model: aliases, versions, tags.
    static let model = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        {{#description}}<p>{{.}}</p>{{/description}}
        <h2 id="aliases">Aliases</h2>
        {{#hasAliases}}<table><caption class="visually-hidden">Aliases</caption><thead><tr><th scope="col">Alias</th><th scope="col" class="num">Version</th></tr></thead><tbody>
        {{#aliases}}<tr><td>{{alias}}</td><td class="num"><a href="{{href}}">{{version}}</a></td></tr>{{/aliases}}
        </tbody></table>{{/hasAliases}}{{^hasAliases}}<p class="notice">No aliases.</p>{{/hasAliases}}
        <h2 id="versions">Versions</h2>
        {{#hasVersions}}<div class="table-scroll"><table><caption class="visually-hidden">Versions</caption>
        <thead><tr><th scope="col" class="num">Version</th><th scope="col">Stage</th><th scope="col">Aliases</th><th scope="col">Status</th><th scope="col">Run</th><th scope="col">Created</th><th scope="col">Description</th></tr></thead><tbody>
        {{#versions}}<tr><td class="num"><a href="{{href}}">{{version}}</a></td><td>{{stage}}</td><td>{{#aliases}}<span class="pill">{{.}}</span>{{/aliases}}</td><td class="status-{{status}}">{{status}}</td><td>{{#runHref}}<a href="{{.}}">{{runID}}</a>{{/runHref}}</td><td>{{created}}</td><td>{{description}}</td></tr>
        {{/versions}}</tbody></table></div>{{/hasVersions}}{{^hasVersions}}<p class="notice">No versions yet.</p>{{/hasVersions}}
        {{#versionsCapped}}<p class="notice">{{.}}</p>{{/versionsCapped}}
        <h2 id="tags">Tags</h2>
        {{#hasTags}}<table><caption class="visually-hidden">Tags</caption><thead><tr><th scope="col">Tag</th><th scope="col">Value</th></tr></thead><tbody>
        {{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}
        </tbody></table>{{/hasTags}}{{^hasTags}}<p class="notice">No tags.</p>{{/hasTags}}
        {{/body}}{{/layout}}
        """

    /// One model version and its lineage from data to deployment.
    static let modelVersion = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{#href}}<a href="{{.}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</dd>{{/facts}}</dl>
        {{#description}}<p>{{.}}</p>{{/description}}
        <p><a class="button secondary" href="{{cardHref}}">Model card</a></p>
        <h2 id="lineage">Lineage</h2>
        {{{lineage}}}
        {{#hasDatasets}}<table><caption>Datasets the run used</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Digest</th><th scope="col">Context</th><th scope="col">Source</th></tr></thead><tbody>
        {{#datasets}}<tr><td>{{name}}</td><td><code>{{digest}}</code></td><td>{{context}}</td><td>{{source}}</td></tr>{{/datasets}}
        </tbody></table>{{/hasDatasets}}
        {{#hasDeployments}}<table><caption>Deployments serving this version</caption>
        <thead><tr><th scope="col">Deployment</th><th scope="col">Role</th><th scope="col" class="num">Traffic</th></tr></thead><tbody>
        {{#deployments}}<tr><td>{{name}}</td><td>{{role}}</td><td class="num">{{share}}</td></tr>{{/deployments}}
        </tbody></table>{{/hasDeployments}}
        {{#hasCode}}<h2 id="code">Code</h2><dl class="facts">{{#code}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/code}}</dl>{{/hasCode}}
        {{#hasMetrics}}<h2 id="metrics">Training run metrics</h2><table><caption class="visually-hidden">Metrics of the training run</caption>
        <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value</th></tr></thead><tbody>
        {{#metrics}}<tr><td>{{key}}</td><td class="num">{{value}}</td></tr>{{/metrics}}</tbody></table>{{/hasMetrics}}
        {{#hasParams}}<h2 id="params">Training run parameters</h2><table><caption class="visually-hidden">Parameters of the training run</caption>
        <thead><tr><th scope="col">Parameter</th><th scope="col">Value</th></tr></thead><tbody>
        {{#params}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/params}}</tbody></table>{{/hasParams}}
        <h2 id="tags">Tags</h2>
        {{#hasTags}}<table><caption class="visually-hidden">Tags</caption><thead><tr><th scope="col">Tag</th><th scope="col">Value</th></tr></thead><tbody>
        {{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}
        </tbody></table>{{/hasTags}}{{^hasTags}}<p class="notice">No tags.</p>{{/hasTags}}
        {{/body}}{{/layout}}
        """
}
