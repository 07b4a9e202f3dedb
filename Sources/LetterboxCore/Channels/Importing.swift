/// What a one-shot import (an mbox file, a Maildir, a folder of phone notes) needs from the
/// store beyond the ``SubmissionPipeline``: where an earlier run of the same import got to.
public protocol ImportCheckpoints: Sendable {
    /// Where an earlier import of the file at `path` got to, if one did.
    func checkpoint(path: String) throws -> ImportCheckpoint?
    /// Records how far an import got. Call it after the batch's records are committed, so that
    /// a crash between the two only means the next run re-reads (and skips) one batch.
    func saveCheckpoint(_ checkpoint: ImportCheckpoint) throws
}

/// How far an import of one file got: the byte offset after the last committed item.
public struct ImportCheckpoint: Sendable, Hashable {
    public var path: String
    /// The file's inode: a file replaced under the same name is read again from the start.
    public var inode: Int64
    public var offset: Int64
    /// Items committed up to `offset`.
    public var messages: Int

    public init(path: String, inode: Int64, offset: Int64, messages: Int) {
        self.path = path
        self.inode = inode
        self.offset = offset
        self.messages = messages
    }
}

/// Submissions hashed and decoded ahead of their commit (``SubmissionPipeline/prepare(_:)``),
/// so that an import can read and decode the next batch on one thread while another commits
/// this one. What it holds is the pipeline's own; only the pipeline that made it can commit it.
public struct PreparedSubmissions: @unchecked Sendable {
    /// How many submissions it holds.
    public let count: Int
    /// The pipeline's prepared form (for a pipeline that prepares nothing, the submissions).
    public let contents: Any

    public init(count: Int, contents: Any) {
        self.count = count
        self.contents = contents
    }
}
