extension Templates {
    /// The frame of every page: skip link, top navigation, breadcrumbs, heading, body block.
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{chrome.title}} · Keel</title>
        <link rel="icon" href="/ui/static/keel.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/ui/static/keel.css">
        <script src="/ui/static/keel.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/ui/">Keel</a>
        <nav aria-label="Sections"><ul>{{#chrome.nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{text}}</a></li>{{/chrome.nav}}</ul></nav>
        {{#chrome.username}}<form class="signout" method="post" action="/ui/logout"><span>Signed in as <strong>{{.}}</strong></span><button type="submit" class="secondary">Sign out</button></form>{{/chrome.username}}
        </header>
        <main id="main">
        {{#chrome.hasTrail}}<nav aria-label="Breadcrumb" class="trail"><ol>{{#chrome.trail}}<li><a href="{{href}}">{{text}}</a></li>{{/chrome.trail}}</ol></nav>{{/chrome.hasTrail}}
        <h1>{{chrome.title}}</h1>
        {{$body}}{{/body}}
        </main>
        </body>
        </html>
        """

    /// Something went wrong: the status and the message, in words.
    static let error = """
        {{<layout}}{{$body}}
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/ui/">Back to the start page</a></p>
        {{/body}}{{/layout}}
        """

    /// Sign in with a Keel username and password; the session lives in a cookie.
    static let login = """
        {{<layout}}{{$body}}
        <form class="login" method="post" action="/ui/login">
        {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
        <input type="hidden" name="next" value="{{next}}">
        <label for="username">Username<input type="text" id="username" name="username" value="{{username}}" autocomplete="username" required autofocus></label>
        <label for="password">Password<input type="password" id="password" name="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        {{/body}}{{/layout}}
        """
}
