/// The site icon, served at `/ui/static/keel.svg`: a keel under a hull line.
enum Icon {
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#16283a"/>\
        <path d="M5 11h22l-5 7H10z" fill="#ffffff"/><path d="M15 18h2v9h-2z" fill="#e3a008"/></svg>
        """
}
