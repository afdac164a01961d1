/// Which items of the EU AI Act's technical documentation (Regulation (EU) 2024/1689, Annex IV,
/// with the Articles it points to) each model-card section serves. A card is evidence for
/// these items, not a conformity assessment: risk management (Art. 9), harmonised standards
/// and the declaration of conformity (Annex IV 5, 7, 8) are outside what lineage can show.
public enum EUAIActMapping {
    /// One card section and the items it serves.
    public struct Section: Sendable, Encodable {
        public var section: String
        public var items: [String]
    }

    /// The sections in the card's order.
    public static let sections: [Section] = [
        Section(section: "Model details", items: [
            "Annex IV 1(a): intended purpose, provider, version",
            "Annex IV 1(b)-(d): versions of relevant software, forms of placing on the market",
            "Annex IV 2(a)-(b): methods, steps and design choices of development",
        ]),
        Section(section: "Intended use", items: [
            "Annex IV 1(a): intended purpose",
            "Art. 13(3)(b)(i): intended purpose in the instructions for use",
            "Annex IV 3: foreseeable unintended outcomes, out-of-scope uses",
        ]),
        Section(section: "Factors", items: [
            "Art. 10(2)(f)-(g): examination of possible biases and measures against them",
            "Annex IV 3: accuracy for specific persons or groups",
        ]),
        Section(section: "Metrics", items: [
            "Annex IV 2(g): validation and testing procedures, metrics and results",
            "Annex IV 4: appropriateness of the performance metrics",
            "Art. 15(1)-(3): accuracy and its declared metrics",
        ]),
        Section(section: "Evaluation data", items: [
            "Annex IV 2(g): data used for validation and testing and its main characteristics",
            "Art. 10(3)-(4): relevance and representativeness of test data",
        ]),
        Section(section: "Training data", items: [
            "Annex IV 2(d): data requirements, provenance, scope, selection, labelling, cleaning",
            "Art. 10(2)(a)-(e): design choices, collection, preparation and assumptions of the data",
        ]),
        Section(section: "Quantitative analyses", items: [
            "Annex IV 2(g): test results on discriminatory impacts",
            "Annex IV 3: degrees of accuracy for specific persons or groups",
            "Art. 10(2)(f): bias examination",
        ]),
        Section(section: "Deployment and monitoring", items: [
            "Annex IV 6: relevant changes made through the lifecycle",
            "Annex IV 9 and Art. 72: post-market monitoring of performance",
            "Art. 12: record-keeping (the inference log, by request id)",
        ]),
        Section(section: "Ethical considerations", items: [
            "Annex IV 5 and Art. 9: known and foreseeable risks (the owner's account)",
        ]),
        Section(section: "Caveats and recommendations", items: [
            "Annex IV 3: capabilities and limitations in performance",
            "Art. 13(3)(b): characteristics, capabilities and limitations for deployers",
            "Art. 14: human-oversight measures",
        ]),
    ]
}
