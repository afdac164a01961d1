extension Templates {
    /// One run: facts, parameters, metrics with their history charts, tags, datasets, artifacts.
    static let run = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{#href}}<a href="{{.}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</dd>{{/facts}}</dl>
        <h2 id="metrics">Metrics</h2>
        {{#hasMetrics}}<div class="table-scroll"><table><caption class="visually-hidden">Latest metric values</caption>
        <thead><tr><th scope="col">Metric</th><th scope="col" class="num">Latest value</th><th scope="col" class="num">Step</th><th scope="col">Logged</th></tr></thead><tbody>
        {{#metrics}}<tr><td>{{key}}</td><td class="num">{{value}}</td><td class="num">{{step}}</td><td>{{time}}</td></tr>{{/metrics}}
        </tbody></table></div>
        <div class="charts">{{#charts}}{{{.}}}{{/charts}}</div>
        {{#chartsCapped}}<p class="notice">{{.}}</p>{{/chartsCapped}}
        {{/hasMetrics}}{{^hasMetrics}}<p class="notice">No metrics logged.</p>{{/hasMetrics}}
        <h2 id="params">Parameters</h2>
        {{#hasParams}}<div class="table-scroll"><table><caption class="visually-hidden">Parameters</caption>
        <thead><tr><th scope="col">Parameter</th><th scope="col">Value</th></tr></thead><tbody>
        {{#params}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/params}}
        </tbody></table></div>{{/hasParams}}{{^hasParams}}<p class="notice">No parameters logged.</p>{{/hasParams}}
        <h2 id="datasets">Datasets</h2>
        {{#hasDatasets}}<table><caption class="visually-hidden">Datasets</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Digest</th><th scope="col">Context</th><th scope="col">Source</th></tr></thead><tbody>
        {{#datasets}}<tr><td>{{name}}</td><td><code>{{digest}}</code></td><td>{{context}}</td><td>{{source}}</td></tr>{{/datasets}}
        </tbody></table>{{/hasDatasets}}{{^hasDatasets}}<p class="notice">No datasets logged.</p>{{/hasDatasets}}
        <h2 id="tags">Tags</h2>
        {{#hasTags}}<div class="table-scroll"><table><caption class="visually-hidden">Tags</caption>
        <thead><tr><th scope="col">Tag</th><th scope="col">Value</th></tr></thead><tbody>
        {{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}
        </tbody></table></div>{{/hasTags}}{{^hasTags}}<p class="notice">No tags.</p>{{/hasTags}}
        <h2 id="artifacts">Artifacts</h2>
        {{#artifacts}}
        <nav aria-label="Artifact folders" class="trail"><ol>{{#crumbs}}<li><a href="{{href}}">{{text}}</a></li>{{/crumbs}}</ol></nav>
        {{#unavailable}}<p class="notice">{{.}}</p>{{/unavailable}}
        {{#hasEntries}}<table><caption class="visually-hidden">Artifacts in this folder</caption>
        <thead><tr><th scope="col">Name</th><th scope="col" class="num">Size</th></tr></thead><tbody>
        {{#entries}}<tr><td><a href="{{href}}">{{name}}{{#isDirectory}}/{{/isDirectory}}</a></td><td class="num">{{size}}</td></tr>{{/entries}}
        </tbody></table>{{/hasEntries}}
        {{#isEmptyFolder}}<p class="notice">No artifacts here.</p>{{/isEmptyFolder}}
        {{#preview}}
        <h3>{{name}}</h3>
        <p><a class="button secondary" href="{{downloadHref}}" download>Download ({{size}})</a></p>
        {{#imageHref}}<img class="preview" src="{{.}}" alt="Artifact {{name}}">{{/imageHref}}
        {{#text}}<pre class="preview" tabindex="0" aria-label="Contents of {{name}}">{{.}}</pre>{{/text}}
        {{#truncated}}<p class="notice">Showing the first {{.}}; download the file for the rest.</p>{{/truncated}}
        {{#noPreview}}<p class="notice">{{.}}</p>{{/noPreview}}
        {{/preview}}
        {{/artifacts}}
        {{/body}}{{/layout}}
        """

    /// Two to ten runs side by side: differing values marked, metrics overlaid, and parallel
    /// coordinates from parameters to one metric.
    static let compare = """
        {{<layout}}{{$body}}
        <h2 id="params">Parameters</h2>
        <div class="table-scroll"><table><caption class="visually-hidden">Parameters side by side; changed values are highlighted</caption>
        <thead><tr><th scope="col">Parameter</th>{{#runs}}<th scope="col"><a href="{{href}}">{{name}}</a></th>{{/runs}}</tr></thead><tbody>
        {{#params}}<tr><th scope="row">{{key}}{{#differs}} <span class="pill">differs</span>{{/differs}}</th>{{#cells}}<td{{#differs}} class="differs"{{/differs}}>{{text}}</td>{{/cells}}</tr>{{/params}}
        </tbody></table></div>
        <h2 id="metrics">Metrics</h2>
        <div class="table-scroll"><table><caption class="visually-hidden">Latest metric values side by side</caption>
        <thead><tr><th scope="col">Metric</th>{{#runs}}<th scope="col" class="num"><a href="{{href}}">{{name}}</a></th>{{/runs}}</tr></thead><tbody>
        {{#metrics}}<tr><th scope="row">{{key}}</th>{{#cells}}<td class="num{{#differs}} differs{{/differs}}">{{text}}</td>{{/cells}}</tr>{{/metrics}}
        </tbody></table></div>
        <h2 id="parallel">Parameters → metric</h2>
        {{#hasParallel}}
        <form class="bar" method="get" action="/ui/compare">
        {{#runs}}<input type="hidden" name="runs" value="{{id}}">{{/runs}}
        <label for="metric">Metric<select id="metric" name="metric">{{#metricChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/metricChoices}}</select></label>
        <button type="submit" class="secondary">Show</button>
        </form>
        {{{parallel}}}
        {{/hasParallel}}{{^hasParallel}}<p class="notice">Parallel coordinates need at least one parameter and one metric.</p>{{/hasParallel}}
        <h2 id="charts">Metric histories</h2>
        <div class="charts">{{#charts}}{{{.}}}{{/charts}}</div>
        {{/body}}{{/layout}}
        """
}
