import Foundation

/// The commit checked out in the repository that holds a directory, read from `.git` directly
/// (no `git` process), so a pipeline run's lineage names the exact code it ran.
enum GitCommit {
    /// `HEAD`'s commit for the repository containing `directory`, nil outside a repository.
    static func head(of directory: URL) -> String? {
        var current = directory.standardizedFileURL
        while true {
            let git = current.appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: git.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? resolve(gitDirectory: git) : worktree(git)
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// A `.git` file (a worktree or submodule) points at the real git directory.
    private static func worktree(_ file: URL) -> String? {
        guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : file.deletingLastPathComponent().appendingPathComponent(path)
        return resolve(gitDirectory: url)
    }

    private static func resolve(gitDirectory: URL) -> String? {
        guard let head = try? String(contentsOf: gitDirectory.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return isCommit(head) ? head : nil }
        let reference = String(head.dropFirst("ref: ".count))
        // A worktree keeps its refs in the common directory.
        var roots = [gitDirectory]
        if let common = try? String(contentsOf: gitDirectory.appendingPathComponent("commondir"), encoding: .utf8) {
            let path = common.trimmingCharacters(in: .whitespacesAndNewlines)
            roots.append(path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDirectory.appendingPathComponent(path))
        }
        for root in roots {
            if let loose = try? String(contentsOf: root.appendingPathComponent(reference), encoding: .utf8) {
                let commit = loose.trimmingCharacters(in: .whitespacesAndNewlines)
                if isCommit(commit) { return commit }
            }
            if let packed = try? String(contentsOf: root.appendingPathComponent("packed-refs"), encoding: .utf8) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + reference) {
                    let commit = String(line.prefix { $0 != " " })
                    if isCommit(commit) { return commit }
                }
            }
        }
        return nil
    }

    private static func isCommit(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }
}
