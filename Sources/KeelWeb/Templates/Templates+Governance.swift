extension Templates {
    /// A model card, section by section.
    static let card = """
        {{<layout}}{{$body}}
        <p><em>{{subtitle}}</em></p>
        <p class="notice">The same card as Markdown, HTML or JSON: <code>keel card {{cardReference}} --md</code>.</p>
        {{#sections}}<section>
        <h2>{{title}}</h2>
        {{#euAIAct}}<p class="notice">EU AI Act: {{.}}</p>{{/euAIAct}}
        {{#blocks}}
        {{#paragraph}}<p>{{.}}</p>{{/paragraph}}
        {{#gap}}<p class="gap"><strong>Missing:</strong> {{.}}</p>{{/gap}}
        {{#subheading}}<h3>{{.}}</h3>{{/subheading}}
        {{#hasFacts}}<dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>{{/hasFacts}}
        {{#table}}<div class="table-scroll"><table><thead><tr>{{#headers}}<th scope="col">{{.}}</th>{{/headers}}</tr></thead><tbody>
        {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table></div>{{/table}}
        {{/blocks}}
        </section>{{/sections}}
        {{/body}}{{/layout}}
        """

    /// The audit log with filters and the chain check.
    static let audit = """
        {{<layout}}{{$body}}
        <form class="bar" method="get" action="/ui/audit" role="search">
        <label for="resource">Resource (and what is under it)<input type="search" id="resource" name="resource" value="{{resource}}" placeholder="models/churn"></label>
        <label for="actor">Actor<input type="search" id="actor" name="actor" value="{{actor}}"></label>
        <button type="submit">Filter</button>
        <a class="button secondary" href="{{verifyHref}}">Verify the hash chain</a>
        </form>
        {{#verification}}<p class="{{#intact}}notice{{/intact}}{{^intact}}error{{/intact}}" role="status">{{.}}</p>{{/verification}}
        {{#hasEntries}}<div class="table-scroll"><table><caption class="visually-hidden">Audit entries, newest first</caption>
        <thead><tr><th scope="col" class="num">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Signed in by</th><th scope="col">From</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col" class="num">Status</th><th scope="col">Hash</th></tr></thead><tbody>
        {{#entries}}<tr><td class="num">{{sequence}}</td><td>{{time}}</td><td>{{actor}}</td><td>{{method}}</td><td>{{remote}}</td><td>{{action}}</td><td>{{resource}}</td><td class="num{{#refused}} failed{{/refused}}">{{status}}</td><td><code>{{hash}}</code></td></tr>
        {{/entries}}</tbody></table></div>{{/hasEntries}}{{^hasEntries}}<p class="notice">No entries{{^chrome.username}} (the audit log records changes on a server started with --auth){{/chrome.username}}.</p>{{/hasEntries}}
        {{#capped}}<p class="notice">Showing the newest 200 entries; filter by resource or actor for older ones.</p>{{/capped}}
        {{/body}}{{/layout}}
        """
}
