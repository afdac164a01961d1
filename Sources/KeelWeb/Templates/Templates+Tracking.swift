extension Templates {
    /// The experiments list with a name search.
    static let experiments = """
        {{<layout}}{{$body}}
        <form class="bar" method="get" action="/ui/experiments" role="search">
        <label for="q">Name contains<input type="search" id="q" name="q" value="{{query}}"></label>
        <label for="view">Show<select id="view" name="view">{{#views}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/views}}</select></label>
        <button type="submit">Search</button>
        </form>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasRows}}
        <div class="table-scroll"><table>
        <caption class="visually-hidden">Experiments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col" class="num">ID</th><th scope="col">Created</th><th scope="col">Last updated</th><th scope="col">Tags</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td><a href="{{href}}">{{name}}</a>{{#deleted}} <span class="pill">deleted</span>{{/deleted}}</td><td class="num">{{id}}</td><td>{{created}}</td><td>{{updated}}</td><td>{{#tags}}<span class="pill">{{.}}</span>{{/tags}}</td></tr>
        {{/rows}}
        </tbody></table></div>
        {{/hasRows}}
        {{^hasRows}}<p class="notice">No experiments match.</p>{{/hasRows}}
        <nav class="pager" aria-label="Pages">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}}{{#nextHref}}<a href="{{.}}" rel="next">Next page</a>{{/nextHref}}</nav>
        {{/body}}{{/layout}}
        """

    /// One experiment's runs: filter, sort, chosen columns, paging, and picking runs to compare.
    static let experiment = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        <p><a class="button secondary" href="{{tracesHref}}">GenAI traces</a></p>
        <form class="bar" method="get" action="{{selfHref}}" role="search">
        <label for="filter">Filter (MLflow search syntax)<input type="search" class="wide" id="filter" name="filter" value="{{filter}}" placeholder="metrics.rmse &lt; 1 and params.model = 'tree'"></label>
        <label for="order">Order by<input type="text" id="order" name="order" value="{{order}}" placeholder="metrics.rmse ASC"></label>
        <label for="size">Runs per page<select id="size" name="size">{{#sizes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/sizes}}</select></label>
        {{#chosenColumns}}<input type="hidden" name="columns" value="{{.}}">{{/chosenColumns}}
        <button type="submit">Apply</button>
        </form>
        <details class="columns"><summary>Columns</summary>
        <form method="get" action="{{selfHref}}">
        <input type="hidden" name="filter" value="{{filter}}"><input type="hidden" name="order" value="{{order}}"><input type="hidden" name="size" value="{{size}}">
        {{#columnGroups}}<fieldset><legend>{{title}}</legend>{{#choices}}<label><input type="checkbox" name="columns" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/choices}}</fieldset>{{/columnGroups}}
        <button type="submit" class="secondary">Show these columns</button>
        </form></details>
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        {{#hasRows}}
        <form id="compare-form" method="get" action="/ui/compare">
        <p><button type="submit" data-compare>Compare runs</button> <span class="notice">Tick 2 to 10 runs.</span></p>
        <div class="table-scroll"><table>
        <caption class="visually-hidden">Runs of {{chrome.title}}</caption>
        <thead><tr><th scope="col"><label><input type="checkbox" id="select-all"><span class="visually-hidden">Select the first ten runs</span></label></th>
        {{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}{{#ariaSort}} aria-sort="{{.}}"{{/ariaSort}}>{{#sortHref}}<a href="{{.}}">{{label}}</a>{{/sortHref}}{{^sortHref}}{{label}}{{/sortHref}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr><td><label><input type="checkbox" name="runs" value="{{id}}"><span class="visually-hidden">Compare {{name}}</span></label></td><td><a href="{{href}}">{{name}}</a></td><td class="status-{{status}}">{{status}}</td><td>{{started}}</td><td>{{duration}}</td><td>{{user}}</td>{{#cells}}<td{{#numeric}} class="num"{{/numeric}}>{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody></table></div>
        </form>
        {{/hasRows}}
        {{^hasRows}}{{^error}}<p class="notice">No runs match.</p>{{/error}}{{/hasRows}}
        <nav class="pager" aria-label="Pages"><span>{{rangeText}}</span>{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}}{{#nextHref}}<a href="{{.}}" rel="next">Next page</a>{{/nextHref}}</nav>
        {{/body}}{{/layout}}
        """
}
