/// The one stylesheet, served at `/ui/static/keel.css`. Colours keep at least 4.5:1 contrast
/// against their background, and every focusable element shows a visible outline.
enum Stylesheet {
    static let css = """
        :root { --ink: #1b1f24; --muted: #4f5a66; --line: #d0d7de; --link: #0b57a4; --bg: #ffffff;
          --panel: #f6f8fa; --accent: #0b57a4; --bad: #a4000f; --good: #116329; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
          color: var(--ink); background: var(--bg); }
        a { color: var(--link); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
          outline: 3px solid #e3a008; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 6px 10px; }
        .skip:focus { left: 8px; z-index: 10; }
        header.top { display: flex; align-items: center; gap: 24px; padding: 8px 20px; background: #16283a; color: #fff; }
        header.top a { color: #fff; text-decoration: none; }
        header.top .brand { font-weight: 700; font-size: 18px; letter-spacing: .5px; }
        header.top nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
        header.top nav a { padding: 4px 6px; border-radius: 4px; }
        header.top nav a[aria-current="page"] { background: #2e4c6d; }
        header.top .signout { margin-left: auto; display: flex; gap: 10px; align-items: center; }
        main { padding: 12px 20px 40px; max-width: 1400px; }
        h1 { font-size: 22px; margin: 8px 0 12px; overflow-wrap: anywhere; }
        h2 { font-size: 17px; margin: 22px 0 8px; }
        .trail ol { display: flex; flex-wrap: wrap; gap: 6px; list-style: none; padding: 0; margin: 4px 0; color: var(--muted); }
        .trail li + li::before { content: "›"; margin-right: 6px; color: var(--muted); }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
        th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
        th { background: var(--panel); font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.differs { background: #fff4d6; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        .table-scroll { overflow-x: auto; }
        form.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0; }
        form.bar label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
        input[type=text], input[type=search], input[type=password], select { font: inherit; padding: 5px 7px;
          border: 1px solid #8c959f; border-radius: 4px; min-width: 16em; color: var(--ink); background: #fff; }
        input.wide { min-width: 36em; }
        button, .button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid #0b4f94;
          background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
        button.secondary, .button.secondary { background: #fff; color: var(--link); }
        button:disabled { background: #656d76; border-color: #656d76; cursor: not-allowed; }
        .error { border: 1px solid var(--bad); color: var(--bad); background: #fff0f0; padding: 8px 12px; border-radius: 4px; }
        .notice { color: var(--muted); }
        .gap { background: #fff8c5; border-left: 4px solid #9a6700; padding: 6px 10px; }
        .status-FINISHED, .status-READY { color: var(--good); }
        .status-FAILED, .status-KILLED, .status-FAILED_REGISTRATION, .state-failed, .failed { color: var(--bad); }
        .state-ready, .run-succeeded, .run-ran { color: var(--good); }
        .run-failed, .trace-ERROR { color: var(--bad); }
        .trace-OK { color: var(--good); }
        .pill { display: inline-block; padding: 0 7px; border-radius: 10px; background: #e7edf3; border: 1px solid #b6c4d2;
          font-size: 13px; margin: 1px 2px; }
        .pager { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
        svg.chart { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
        svg.natural { width: auto; height: auto; max-width: 100%; }
        svg .chart-title { font-size: 14px; font-weight: 600; fill: var(--ink); }
        svg .tick, svg .legend { font-size: 11px; fill: #3d4650; }
        svg .axis-label { font-size: 12px; fill: var(--ink); font-weight: 600; }
        svg .node-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
        pre.preview { background: var(--panel); border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 480px; }
        img.preview { max-width: 100%; border: 1px solid var(--line); }
        .columns { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 8px 0; }
        .columns fieldset { border: 0; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
        .columns legend { font-weight: 600; }
        .login { max-width: 360px; margin: 40px auto; display: flex; flex-direction: column; gap: 10px; }
        .login label { display: flex; flex-direction: column; gap: 4px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        """
}
