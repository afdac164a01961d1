/// Series colours: the Okabe–Ito palette, distinguishable with the common colour-vision
/// deficiencies, minus its yellow (too faint on white); every one has at least 3:1 contrast.
enum Palette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6100", "#3A87B8", "#000000", "#7A4EAB"]

    /// The colour of series number `index`, cycling.
    static func color(_ index: Int) -> String { colors[index % colors.count] }
}
