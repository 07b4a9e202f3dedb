import Foundation
import Glibc

/// A Maildir (new/, cur/, tmp/) and its Maildir++ subfolders (`.Name/` with their own new/ and cur/).
public struct Maildir: Sendable {
    public let path: String

    public struct Entry: Sendable, Hashable {
        /// The folder holding new/ and cur/.
        public var folder: String
        /// "new" or "cur".
        public var subdirectory: String
        public var name: String
        public var path: String { "\(folder)/\(subdirectory)/\(name)" }
    }

    public struct NotAMaildir: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.path = p
        guard Self.isMaildir(p) else {
            throw NotAMaildir(description: "\(path) is not a Maildir: it has no new/ and cur/ folders.")
        }
    }

    static func isMaildir(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        return manager.fileExists(atPath: path + "/new", isDirectory: &isDirectory) && isDirectory.boolValue
            && manager.fileExists(atPath: path + "/cur", isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// This folder and its Maildir++ subfolders.
    public func folders() -> [String] {
        var result = [path]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names.sorted() where name.hasPrefix(".") && name != "." && name != ".." && Self.isMaildir(path + "/" + name) {
            result.append(path + "/" + name)
        }
        return result
    }

    /// The messages in new/ (and cur/, unless `newOnly`) of one folder, oldest name first.
    public func messages(in folder: String, newOnly: Bool = false) -> [Entry] {
        var entries: [Entry] = []
        for sub in newOnly ? ["new"] : ["new", "cur"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(sub)")) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                entries.append(Entry(folder: folder, subdirectory: sub, name: name))
            }
        }
        return entries
    }

    /// Marks a message as seen after its commit: new/NAME moves to cur/NAME:2,S; a message
    /// in cur/ gains the S flag. Returns the new path. A message someone else already moved
    /// is not an error (returns nil).
    @discardableResult
    public static func markSeen(_ entry: Entry) throws -> String? {
        let (unique, flags) = split(entry.name)
        var newFlags = Set(flags)
        newFlags.insert("S")
        let target = "\(entry.folder)/cur/\(unique):2,\(String(newFlags.sorted()))"
        if target == entry.path { return target }
        if rename(entry.path, target) != 0 {
            if errno == ENOENT { return nil }
            throw NotAMaildir(description: "Could not mark \(entry.path) as seen: \(String(cString: strerror(errno)))")
        }
        return target
    }

    /// "unique:2,FS" -> ("unique", ["F", "S"]).
    static func split(_ name: String) -> (String, [Character]) {
        guard let range = name.range(of: ":2,", options: .backwards) else {
            if let colon = name.firstIndex(of: ":") { return (String(name[..<colon]), []) }
            return (name, [])
        }
        return (String(name[..<range.lowerBound]), Array(name[range.upperBound...]))
    }
}
