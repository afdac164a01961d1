/// Names like MLflow's `adjective-animal-123`, for runs the client did not name.
///
/// Memorable names make runs easy to tell apart in tables and logs.
enum RunNameGenerator {
    private static let adjectives = [
        "able", "agile", "amazing", "bold", "brave", "bright", "calm", "capable", "clean", "clever",
        "crisp", "curious", "daring", "eager", "fast", "fearless", "gentle", "glamorous", "honest", "humble",
        "keen", "kind", "lucky", "merciful", "nimble", "patient", "polite", "quick", "quiet", "rare",
        "resilient", "salty", "sassy", "serious", "sharp", "silent", "smiling", "stately", "sweet", "tasteful",
        "thoughtful", "unique", "upbeat", "valuable", "vaunted", "welcoming", "wise", "witty", "youthful", "zealous",
    ]
    private static let animals = [
        "ant", "ape", "asp", "bass", "bat", "bear", "bee", "bird", "boar", "bug", "calf", "carp", "cat",
        "colt", "crab", "crane", "cod", "deer", "doe", "dog", "dolphin", "donkey", "dove", "duck", "eel",
        "elk", "finch", "fish", "foal", "fowl", "fox", "frog", "gnat", "goat", "goose", "grouse", "gull",
        "hare", "hawk", "hen", "hog", "horse", "hound", "jay", "kit", "koi", "lamb", "lark", "loon", "lynx",
        "mink", "mole", "moose", "moth", "mouse", "mule", "newt", "owl", "ox", "panda", "perch", "pig",
        "pony", "ram", "rat", "robin", "seal", "shark", "sheep", "shrew", "skink", "slug", "snail", "snake",
        "sow", "squid", "stag", "steed", "stork", "swan", "toad", "trout", "turtle", "vole", "wasp", "whale",
        "wolf", "worm", "wren", "yak", "zebra",
    ]

    /// A fresh random name.
    static func make() -> String {
        let adjective = adjectives.randomElement() ?? "able"
        let animal = animals.randomElement() ?? "ant"
        return "\(adjective)-\(animal)-\(Int.random(in: 0..<1000))"
    }
}
