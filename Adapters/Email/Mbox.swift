import CZlib
public import Foundation
import Glibc
public import LetterboxCore

/// One message split out of an mbox file.
public struct MboxMessage: Sendable {
    /// The message without its `From ` line, `>From ` unquoted, the separating blank line removed.
    public var bytes: Data
    /// The envelope sender from the `From ` line, if it has one.
    public var envelopeSender: String?
    /// Offset of the `From ` line in the (uncompressed) file, and of the byte after the message.
    public var startOffset: Int64
    public var endOffset: Int64
}

/// Streams an mbox file message by message, in constant memory (one message plus a 1 MB
/// buffer), reading `.gz` files (any gzip stream, detected by its magic bytes) on the fly.
///
/// A message starts at a line beginning `From ` that is the first line of the file or follows
/// a blank line and looks like a `From ` line (has a time or a year): bodies with an unquoted
/// "From " after a blank line (mboxo written carelessly) are not split unless the line also
/// looks like a postmark. `Content-Length` is never trusted. `>From ` quoting is undone the
/// mboxrd way (one `>` removed from `>+From `), which also undoes mboxo quoting. LF or CRLF.
public final class MboxReader {
    public let path: String
    private let fd: Int32
    private var inflater: Inflater?
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    /// Uncompressed bytes consumed so far (the offset of `buffer[position]`).
    private var offset: Int64 = 0
    /// Bytes read from the file (compressed, for a .gz): for progress.
    public private(set) var fileBytesRead: Int64 = 0
    public let fileSize: Int64
    public let inode: Int64
    public let isCompressed: Bool
    private var pendingFromLine: (line: [UInt8], offset: Int64)?
    private var started = false
    /// What one read fills, kept for the next: a fresh megabyte each time was mapped, zeroed a
    /// page at a time and unmapped again (the import's mmap threshold is 256 KB), 2% of an
    /// import's CPU.
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OpenError(description: "\(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw OpenError(description: "\(path) is not a regular file.")
        }
        self.fd = fd
        self.fileSize = Int64(info.st_size)
        self.inode = Int64(info.st_ino)
        var magic = [UInt8](repeating: 0, count: 2)
        let got = pread(fd, &magic, 2, 0)
        self.isCompressed = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B
        if isCompressed { inflater = try Inflater() }
    }

    deinit {
        close(fd)
    }

    /// Moves to an offset where an earlier import stopped. Returns false (and stays at the
    /// start) when that offset is not the start of a message in this file.
    public func resume(at target: Int64) throws -> Bool {
        guard target > 0 else { return true }
        if !isCompressed {
            guard target < fileSize else { return target == fileSize ? seekPlain(to: target) : false }
            var head = [UInt8](repeating: 0, count: 5)
            guard pread(fd, &head, 5, off_t(target)) == 5, head == Array("From ".utf8) else { return false }
            return seekPlain(to: target)
        }
        // Compressed: decompress and discard whole lines up to the offset.
        while offset < target {
            guard try nextLine() != nil else { return false }
        }
        return offset == target
    }

    private func seekPlain(to target: Int64) -> Bool {
        guard lseek(fd, off_t(target), SEEK_SET) == target else { return false }
        buffer.removeAll()
        position = 0
        offset = target
        fileBytesRead = target
        return true
    }

    /// Reads more bytes into the buffer; false at the end of the file.
    private func fill() throws -> Bool {
        if eof { return false }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let fd = self.fd
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { throw OpenError(description: "\(path): \(String(cString: strerror(errno)))") }
        if count == 0 {
            eof = true
            if let inflater, !inflater.finished, inflater.started {
                throw OpenError(description: "\(path): the compressed file ends in the middle of its data (truncated .gz).")
            }
            return false
        }
        fileBytesRead += Int64(count)
        if let inflater {
            try inflater.inflate(chunk[0..<count], into: &buffer)
        } else {
            buffer.append(contentsOf: chunk[0..<count])
        }
        return true
    }

    /// The next line, with its line end; nil at the end of the file.
    private func nextLine() throws -> (line: ArraySlice<UInt8>, offset: Int64)? {
        while true {
            let searchStart = position
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                guard searchStart < b.count, let base = b.baseAddress,
                    let hit = memchr(base + searchStart, 0x0A, b.count - searchStart)
                else { return nil }
                return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            }
            if let found {
                let line = buffer[position...found]
                let lineOffset = offset
                offset += Int64(found + 1 - position)
                position = found + 1
                return (line, lineOffset)
            }
            if try !fill() {
                guard position < buffer.count else { return nil }
                let line = buffer[position..<buffer.count]
                let lineOffset = offset
                offset += Int64(buffer.count - position)
                position = buffer.count
                return (line, lineOffset)
            }
        }
    }

    /// The next message, or nil at the end of the file.
    /// Whether the file (decompressed) starts, after any blank lines, with a `From ` line, as
    /// every mbox does; an empty file is an empty mailbox. Reads from where the reader is: use a
    /// reader of its own.
    public func startsWithFromLine() throws -> Bool {
        while let (line, _) = try nextLine() {
            if line.allSatisfy({ $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }) { continue }
            return line.starts(with: fromPrefix)
        }
        return true
    }

    public func next() throws -> MboxMessage? {
        // Gathered in one buffer that becomes the message's Data without a copy: appending line
        // by line to Data cost a uniqueness and an exclusivity check per line (3% of an import),
        // and gathering into an array and copying that into Data held a large message twice.
        let message = ByteGatherer()
        var fromLine: [UInt8]?
        var start: Int64 = offset
        if let pending = pendingFromLine {
            fromLine = pending.line
            start = pending.offset
            pendingFromLine = nil
        }
        var previousBlank = true
        var sawAnything = fromLine != nil
        while let (line, lineOffset) = try nextLine() {
            if line.starts(with: fromPrefix) && previousBlank && (!sawAnything || Self.looksLikePostmark(line)) {
                if sawAnything {
                    pendingFromLine = (Array(line), lineOffset)
                    return finish(message, fromLine: fromLine, start: start, end: lineOffset)
                }
                fromLine = Array(line)
                start = lineOffset
                sawAnything = true
                previousBlank = false
                continue
            }
            if !sawAnything {
                // Text before the first From line (not an mbox, or a damaged start): kept as a message.
                start = lineOffset
            }
            sawAnything = true
            previousBlank = line.count == 1 || (line.count == 2 && line.first == 0x0D)
            if line.first == 0x3E, Self.isQuotedFrom(line) {
                message.append(contentsOf: line.dropFirst())
            } else {
                message.append(contentsOf: line)
            }
        }
        guard sawAnything else { return nil }
        return finish(message, fromLine: fromLine, start: start, end: offset)
    }

    private let fromPrefix: [UInt8] = Array("From ".utf8)

    private func finish(_ message: ByteGatherer, fromLine: [UInt8]?, start: Int64, end: Int64) -> MboxMessage {
        // The blank line before the next From line separates messages; it is not part of this one.
        if message.byte(fromEnd: 1) == 0x0A {
            let lineBreak = message.byte(fromEnd: 2) == 0x0D ? 2 : 1
            if message.count > lineBreak && message.byte(fromEnd: lineBreak + 1) == 0x0A {
                message.removeLast(lineBreak)
            }
        }
        var sender: String?
        if let fromLine {
            let text = String(decoding: fromLine.dropFirst(5), as: UTF8.self)
            sender = text.split(separator: " ").first.map(String.init)
        }
        return MboxMessage(bytes: message.takeData(), envelopeSender: sender, startOffset: start, endOffset: end)
    }

    /// `>From `, `>>From ` ...
    static func isQuotedFrom(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        while index < line.endIndex && line[index] == 0x3E { index += 1 }
        return line[index...].starts(with: "From ".utf8)
    }

    /// A From_ line has a time (hh:mm) or a four-digit year after the sender.
    static func looksLikePostmark(_ line: ArraySlice<UInt8>) -> Bool {
        var digits = 0
        for byte in line.dropFirst(5) {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                if digits == 4 { return true }
            } else {
                if byte == 0x3A && digits >= 1 { return true }
                digits = 0
            }
        }
        return false
    }
}

/// zlib inflate for gzip (and zlib) streams, including concatenated gzip members.
final class Inflater {
    private var stream = z_stream()
    private(set) var finished = false
    private(set) var started = false

    init() throws {
        let status = czlib_inflate_init2(&stream, 15 + 32)
        guard status == Z_OK else { throw MboxReader.OpenError(description: "zlib could not start (\(status)).") }
    }

    deinit {
        inflateEnd(&stream)
    }

    /// Kept from one call to the next, like the reader's buffer.
    private var chunk = [UInt8](repeating: 0, count: 1 << 18)

    func inflate(_ input: ArraySlice<UInt8>, into output: inout [UInt8]) throws {
        var input = Array(input)
        started = true
        try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while stream.avail_in > 0 {
                if finished {
                    // Another gzip member follows.
                    inflateReset(&stream)
                    finished = false
                }
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuffer.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    finished = true
                case Z_OK, Z_BUF_ERROR:
                    if produced == 0 && stream.avail_in > 0 && status == Z_BUF_ERROR {
                        throw MboxReader.OpenError(description: "The compressed data is damaged.")
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw MboxReader.OpenError(description: "The compressed data is damaged (\(message)).")
                }
            }
            stream.next_in = nil
        }
    }
}

extension MboxMessage {
    /// The raw submission for this message: its envelope sender and where it was in the file.
    public func submission(source: String, receivedAt: Date) -> RawSubmission {
        EmailSubmission.make(
            bytes,
            source: source,
            receivedAt: receivedAt,
            envelopeSender: envelopeSender,
            extraMetadata: ["mbox_offset": String(startOffset)]
        )
    }
}

/// A message's bytes gathered line by line into one malloc'd buffer, handed to `Data` without a
/// copy (the buffer is freed by the Data, or here if it is never handed over).
final class ByteGatherer {
    private var pointer: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0

    deinit { free(pointer) }

    func append(contentsOf bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        let needed = count + bytes.count
        if needed > capacity {
            let grown = Swift.max(needed, capacity * 2, 4096)
            guard let moved = realloc(pointer, grown) else { fatalError("Out of memory reading an mbox message of \(needed) bytes") }
            pointer = moved
            capacity = grown
        }
        bytes.withUnsafeBytes { source in
            (pointer! + count).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        count = needed
    }

    /// The byte `distance` from the end (1: the last), or nil when there are fewer.
    func byte(fromEnd distance: Int) -> UInt8? {
        guard distance >= 1, distance <= count, let pointer else { return nil }
        return pointer.load(fromByteOffset: count - distance, as: UInt8.self)
    }

    func removeLast(_ n: Int) {
        count -= Swift.min(n, count)
    }

    /// The bytes as Data, which takes over the buffer; the gatherer is empty after.
    func takeData() -> Data {
        guard var pointer, count > 0 else { return Data() }
        // A large message's unused growth room is given back before the Data keeps the buffer.
        if capacity - count > 1 << 16, let shrunk = realloc(pointer, count) { pointer = shrunk }
        self.pointer = nil
        defer { count = 0; capacity = 0 }
        return Data(bytesNoCopy: pointer, count: count, deallocator: .free)
    }
}
