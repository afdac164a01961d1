extension Templates {
    /// Every deployment with its model, state and traffic split.
    static let deployments = """
        {{<layout}}{{$body}}
        {{#hasRows}}<div class="table-scroll"><table><caption class="visually-hidden">Deployments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Model</th><th scope="col">State</th><th scope="col">Policy</th><th scope="col">Traffic</th><th scope="col">Updated</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="{{href}}">{{name}}</a></td><td><a href="{{modelHref}}">{{model}}</a></td><td class="state-{{state}}">{{state}}</td><td>{{policy}}</td><td>{{#split}}<span class="pill">{{.}}</span>{{/split}}</td><td>{{updated}}</td></tr>
        {{/rows}}</tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="notice">No deployments. Create one with <code>keel deploy create NAME --model MODEL@ALIAS</code>.</p>{{/hasRows}}
        {{/body}}{{/layout}}
        """

    /// One deployment: targets, traffic charts, history, inference log.
    static let deployment = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{#href}}<a href="{{.}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</dd>{{/facts}}</dl>
        <p><a class="button secondary" href="{{monitoringHref}}">Monitoring: drift, performance, alerts</a></p>
        <h2 id="targets">Versions and traffic split</h2>
        <table><caption class="visually-hidden">Versions this deployment runs</caption>
        <thead><tr><th scope="col" class="num">Version</th><th scope="col">Role</th><th scope="col" class="num">Traffic</th><th scope="col">State</th><th scope="col">Workers</th><th scope="col">Message</th></tr></thead><tbody>
        {{#targets}}<tr><td class="num"><a href="{{href}}">{{version}}</a></td><td>{{role}}</td><td class="num">{{share}}</td><td class="state-{{state}}">{{state}}</td><td>{{workers}}</td><td>{{message}}</td></tr>{{/targets}}
        </tbody></table>
        <h2 id="traffic">Requests, errors and latency</h2>
        <form class="bar" method="get" action="">
        <label for="window">Window<select id="window" name="window">{{#windows}}<option value="{{value}}"{{#selected}} selected{{/selected}}>last {{value}}</option>{{/windows}}</select></label>
        <button type="submit" class="secondary">Show</button>
        </form>
        {{#hasTraffic}}<div class="charts">{{#charts}}{{{.}}}{{/charts}}</div>{{/hasTraffic}}
        {{^hasTraffic}}<p class="notice">No requests in this window.</p>{{/hasTraffic}}
        <h2 id="history">History</h2>
        {{#hasEvents}}<table><caption class="visually-hidden">Changes, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col" class="num">Version</th><th scope="col">Detail</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td>{{kind}}</td><td class="num">{{version}}</td><td>{{detail}}</td></tr>{{/events}}
        </tbody></table>{{/hasEvents}}{{^hasEvents}}<p class="notice">No changes recorded.</p>{{/hasEvents}}
        <h2 id="log">Inference log</h2>
        {{#hasRecords}}<div class="table-scroll"><table><caption class="visually-hidden">Requests, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col" class="num">Version</th><th scope="col">Role</th><th scope="col" class="num">Status</th><th scope="col" class="num">Latency</th><th scope="col">Caller</th><th scope="col">Request</th></tr></thead><tbody>
        {{#records}}<tr><td>{{time}}</td><td class="num">{{version}}</td><td>{{role}}</td><td class="num{{#failed}} failed{{/failed}}">{{status}}</td><td class="num">{{latency}}</td><td>{{caller}}</td><td><code>{{request}}</code></td></tr>
        {{/records}}</tbody></table></div>{{/hasRecords}}{{^hasRecords}}<p class="notice">No requests logged yet.</p>{{/hasRecords}}
        <nav class="pager" aria-label="Inference log pages">{{#newestHref}}<a href="{{.}}">Newest</a>{{/newestHref}}{{#olderHref}}<a href="{{.}}" rel="next">Older requests</a>{{/olderHref}}</nav>
        {{/body}}{{/layout}}
        """

    /// A deployment's drift, performance and alerts.
    static let monitoring = """
        {{<layout}}{{$body}}
        <form class="bar" method="get" action="">
        <label for="window">Window<select id="window" name="window">{{#windows}}<option value="{{value}}"{{#selected}} selected{{/selected}}>last {{value}}</option>{{/windows}}</select></label>
        <button type="submit" class="secondary">Show</button>
        </form>
        <h2 id="drift">Data drift</h2>
        {{#driftNote}}<p class="notice">{{.}}</p>{{/driftNote}}
        {{#drift}}
        <p class="{{#detected}}error{{/detected}}{{^detected}}notice{{/detected}}">{{verdict}}</p>
        <p class="notice">{{window}}</p>
        <div class="table-scroll"><table><caption class="visually-hidden">Drift per column</caption>
        <thead><tr><th scope="col">Column</th><th scope="col">Kind</th><th scope="col">Test</th><th scope="col" class="num">Score</th><th scope="col" class="num">Threshold</th><th scope="col">Drifted</th></tr></thead><tbody>
        {{#columns}}<tr><td>{{name}}</td><td>{{kind}}</td><td>{{method}}</td><td class="num">{{score}}</td><td class="num">{{threshold}}</td><td>{{#drifted}}<strong class="failed">yes</strong>{{/drifted}}{{^drifted}}no{{/drifted}}</td></tr>{{/columns}}
        </tbody></table></div>
        <div class="charts">{{#histograms}}{{{.}}}{{/histograms}}</div>
        {{#skipped}}<p class="notice">Skipped {{.}}</p>{{/skipped}}
        {{/drift}}
        <h2 id="performance">Performance</h2>
        {{#performanceNote}}<p class="notice">{{.}}</p>{{/performanceNote}}
        {{#performance}}
        <div class="table-scroll"><table><caption class="visually-hidden">Performance per version ({{task}})</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">Role</th><th scope="col" class="num">Predictions</th><th scope="col" class="num">With ground truth</th><th scope="col">Measured</th><th scope="col">Estimated without labels</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{version}}</td><td>{{role}}</td><td class="num">{{predictions}}</td><td class="num">{{labelled}}</td><td>{{metrics}}</td><td>{{estimated}}</td></tr>{{/rows}}
        </tbody></table></div>
        <div class="charts">{{#charts}}{{{.}}}{{/charts}}</div>
        {{/performance}}
        <h2 id="alerts">Alerts</h2>
        {{#hasRules}}<table><caption class="visually-hidden">Alert rules</caption>
        <thead><tr><th scope="col" class="num">Rule</th><th scope="col">Condition</th><th scope="col">Window</th><th scope="col">State</th><th scope="col" class="num">Last value</th><th scope="col">Evaluated</th></tr></thead><tbody>
        {{#rules}}<tr><td class="num">{{id}}</td><td><code>{{condition}}</code></td><td>{{window}}</td><td{{#firing}} class="failed"{{/firing}}>{{state}}</td><td class="num">{{lastValue}}</td><td>{{evaluated}}</td></tr>{{/rules}}
        </tbody></table>{{/hasRules}}{{^hasRules}}<p class="notice">No alert rules. Add one with <code>keel monitor alert</code>.</p>{{/hasRules}}
        {{#hasEvents}}<table><caption>Recent alert events</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Condition</th><th scope="col">State</th><th scope="col" class="num">Value</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td><code>{{condition}}</code></td><td>{{state}}</td><td class="num">{{value}}</td></tr>{{/events}}
        </tbody></table>{{/hasEvents}}
        {{/body}}{{/layout}}
        """
}

extension Templates {
    /// Registered pipelines.
    static let pipelines = """
        {{<layout}}{{$body}}
        {{#hasRows}}<div class="table-scroll"><table><caption class="visually-hidden">Registered pipelines</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Directory</th><th scope="col">Schedule</th><th scope="col">Next run</th><th scope="col">Last run</th><th scope="col">Started</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="{{href}}">{{name}}</a></td><td><code>{{directory}}</code></td><td><code>{{schedule}}</code></td><td>{{next}}</td><td class="run-{{lastStatus}}">{{lastStatus}}</td><td>{{lastRun}}</td></tr>
        {{/rows}}</tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="notice">No pipelines registered. Register one with <code>keel pipelines register NAME DIRECTORY</code>.</p>{{/hasRows}}
        {{/body}}{{/layout}}
        """

    /// One pipeline: its stage graph for a run, that run's stages and log, and the run history.
    static let pipeline = """
        {{<layout}}{{$body}}
        <dl class="facts">{{#facts}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        <h2 id="graph">Stages</h2>
        {{#selectedTitle}}<p>{{.}}</p>{{/selectedTitle}}
        {{{graph}}}
        {{#graphNote}}<p class="notice">{{.}}</p>{{/graphNote}}
        {{#hasStages}}<table><caption class="visually-hidden">What each stage did in this run</caption>
        <thead><tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col" class="num">Seconds</th><th scope="col">Why</th><th scope="col">Metrics</th><th scope="col">Tracking run</th></tr></thead><tbody>
        {{#stages}}<tr><td>{{name}}</td><td class="run-{{status}}">{{status}}</td><td class="num">{{seconds}}</td><td>{{reasons}}</td><td>{{metrics}}</td><td>{{#runHref}}<a href="{{.}}">run</a>{{/runHref}}</td></tr>{{/stages}}
        </tbody></table>{{/hasStages}}
        <h2 id="log">Log</h2>
        {{#hasLog}}<pre class="preview" tabindex="0" aria-label="Log of the run">{{log}}</pre>{{/hasLog}}{{^hasLog}}<p class="notice">No log for this run.</p>{{/hasLog}}
        <h2 id="runs">Runs</h2>
        {{#hasRuns}}<div class="table-scroll"><table><caption class="visually-hidden">Runs, newest first</caption>
        <thead><tr><th scope="col" class="num">Run</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Created</th><th scope="col">Duration</th><th scope="col">Cache hits</th></tr></thead><tbody>
        {{#runs}}<tr><td class="num"><a href="{{href}}"{{#selected}} aria-current="true"{{/selected}}>{{id}}</a></td><td class="run-{{status}}">{{status}}</td><td>{{trigger}}</td><td>{{created}}</td><td>{{duration}}</td><td>{{cacheHits}}</td></tr>
        {{/runs}}</tbody></table></div>{{/hasRuns}}{{^hasRuns}}<p class="notice">Never run. Start a run with <code>keel pipelines run NAME</code>.</p>{{/hasRuns}}
        {{/body}}{{/layout}}
        """
}
