extension Templates {
    /// An experiment's traces, newest first.
    static let traces = """
        {{<layout}}{{$body}}
        <form class="bar" method="get" action="{{selfHref}}" role="search">
        <label for="filter">Filter (search_traces syntax)<input type="search" class="wide" id="filter" name="filter" value="{{filter}}" placeholder="attributes.status = 'ERROR' and tags.user = 'ana'"></label>
        <button type="submit">Apply</button>
        </form>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasRows}}<div class="table-scroll"><table><caption class="visually-hidden">Traces, newest first</caption>
        <thead><tr><th scope="col">Trace</th><th scope="col">Started</th><th scope="col">State</th><th scope="col">Duration</th><th scope="col">Request</th><th scope="col">Response</th><th scope="col">Feedback</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="{{href}}"><code>{{id}}</code></a></td><td>{{time}}</td><td class="trace-{{state}}">{{state}}</td><td>{{duration}}</td><td>{{request}}</td><td>{{response}}</td><td>{{feedback}}</td></tr>
        {{/rows}}</tbody></table></div>{{/hasRows}}
        {{^hasRows}}{{^error}}<p class="notice">No traces match.</p>{{/error}}{{/hasRows}}
        <nav class="pager" aria-label="Pages">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}}{{#nextHref}}<a href="{{.}}" rel="next">Next page</a>{{/nextHref}}</nav>
        {{/body}}{{/layout}}
        """

    /// One trace: its spans as a waterfall and a table, its feedback and tags.
    static let trace = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        <h2 id="spans">Spans</h2>
        {{{waterfall}}}
        {{#partial}}<p class="notice">{{.}}</p>{{/partial}}
        <div class="table-scroll"><table><caption class="visually-hidden">Spans in call order</caption>
        <thead><tr><th scope="col">Span</th><th scope="col">Status</th><th scope="col" class="num">Duration</th><th scope="col">Inputs</th><th scope="col">Outputs</th><th scope="col">Attributes</th></tr></thead><tbody>
        {{#spans}}<tr><td>{{indent}}{{name}}</td><td class="trace-{{status}}">{{status}}</td><td class="num">{{duration}}</td><td><code>{{inputs}}</code></td><td><code>{{outputs}}</code></td><td>{{attributes}}</td></tr>{{/spans}}
        </tbody></table></div>
        <h2 id="feedback">Feedback</h2>
        {{#hasAssessments}}<table><caption class="visually-hidden">Assessments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col">Rationale</th></tr></thead><tbody>
        {{#assessments}}<tr><td>{{name}}</td><td>{{value}}</td><td>{{source}}</td><td>{{rationale}}</td></tr>{{/assessments}}
        </tbody></table>{{/hasAssessments}}{{^hasAssessments}}<p class="notice">No feedback yet.</p>{{/hasAssessments}}
        <h2 id="tags">Tags</h2>
        {{#hasTags}}<table><caption class="visually-hidden">Tags</caption><thead><tr><th scope="col">Tag</th><th scope="col">Value</th></tr></thead><tbody>
        {{#tags}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/tags}}
        </tbody></table>{{/hasTags}}{{^hasTags}}<p class="notice">No tags.</p>{{/hasTags}}
        {{/body}}{{/layout}}
        """
}
