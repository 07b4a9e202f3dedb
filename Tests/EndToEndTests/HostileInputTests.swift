import Foundation
import LetterboxCore
import LetterboxStore
import LetterboxTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `letterbox serve` under bodies sent to hurt it: memory stays bounded (issue 15, item 2).
@Suite(.serialized)
struct HostileInputTests {
    /// The process's peak resident memory so far, in MB (VmHWM).
    static func peakRSS(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    static func multipart(boundary: String, message: String, files: Int, fileBytes: Int, seed: UInt8) -> Data {
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n\(message)\r\n".utf8)
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nPat Jones\r\n".utf8))
        for index in 0..<files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"photo\(index).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8))
            // A different byte for every file, so that no two are stored as one blob.
            body.append(Data(repeating: seed &* 16 &+ UInt8(index), count: fileBytes))
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    /// At a tenth of the default sizes (a debug build stores 50 MB forms slowly): files of at
    /// most 1 MB, so a form post is at most 6 MB, and 7 MB of bodies in memory at once. A
    /// refused body's connection ends at the idle timeout (3 s here) when its client will not
    /// stop sending.
    /// `Benchmarks/bench_hostile.py` runs the same at the default sizes on the release build.
    @Test("Four full-size form posts at once, a 50 MB JSON post, a 5 MB urlencoded post, a 60 MB chunked post: each answered at once or after its turn, over-limit ones refused, nothing lost, peak RSS under 150 MB")
    func memoryStaysBounded() async throws {
        let root = try Fixtures.temporaryFolder("hostile")
        let storePath = root.appendingPathComponent("letterbox.sqlite").path
        let server = try ServeProcess(storePath: storePath, folder: root, environment: [
            "LETTERBOX_FORM_RATE_LIMIT": "0", "LETTERBOX_FORM_MAX_ATTACHMENT_BYTES": "1000000", "LETTERBOX_SERVER_MAX_BODY_MEMORY_BYTES": "7000000",
            "LETTERBOX_SERVER_IDLE_TIMEOUT_SECONDS": "3",
        ])
        defer { server.stop() }
        let pid = server.process.processIdentifier
        let idle = Self.peakRSS(pid)
        let boundary = "----LetterboxHostile"
        let formType = "multipart/form-data; boundary=\(boundary)"
        // Within the form's limit (5 files of 10 MB): real photos, as far as the server can tell.
        let forms = (0..<4).map { Self.multipart(boundary: boundary, message: "Damp in every room, photos \($0) attached.", files: 5, fileBytes: 980_000, seed: UInt8($0)) }
        let json = Data("{\"message\":\"".utf8) + Data(repeating: 0x61, count: 50_000_000) + Data("\"}".utf8)
        let urlencoded = Data("message=".utf8) + Data(repeating: 0x61, count: 5_000_000)
        let chunked = Data(repeating: 0x62, count: 60_000_000)
        let statuses = Mutex<[String: Int]>([:])
        try await Fixtures.offPool { DispatchQueue.concurrentPerform(iterations: 7) { index in
            let status: Int
            switch index {
            case 0..<4:
                status = (try? RawHTTP.post(port: server.port, path: "/feedback", body: forms[index], contentType: formType).status) ?? -1
            case 4:
                status = (try? RawHTTP.post(port: server.port, path: "/api/v1/feedback", body: json, contentType: "application/json").status) ?? -1
            case 5:
                status = (try? RawHTTP.post(port: server.port, path: "/feedback", body: urlencoded, contentType: "application/x-www-form-urlencoded").status) ?? -1
            default:
                // No Content-Length: the server finds out while reading.
                var request = Data("POST /feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(formType)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
                var offset = 0
                while offset < chunked.count {
                    let size = min(1 << 20, chunked.count - offset)
                    request.append(Data(String(size, radix: 16).utf8) + Data("\r\n".utf8) + chunked[offset..<(offset + size)] + Data("\r\n".utf8))
                    offset += size
                }
                request.append(Data("0\r\n\r\n".utf8))
                status = (try? RawHTTP.parse(RawHTTP.exchange(port: server.port, bytes: request)).status) ?? -1
            }
            statuses.withLock { $0["\(index)"] = status }
        } }
        let answered = statuses.withLock { $0 }
        let peak = Self.peakRSS(pid)
        // Each form is stored (200) or, while the others hold the memory, asked to come back (503).
        let formStatuses = (0..<4).compactMap { answered["\($0)"] }
        #expect(formStatuses.allSatisfy { $0 == 200 || $0 == 503 }, "forms answered \(formStatuses)")
        #expect(formStatuses.contains(200))
        #expect(answered["4"] == 413, "JSON answered \(answered["4"] ?? 0)")
        #expect(answered["5"] == 413, "urlencoded answered \(answered["5"] ?? 0)")
        // Refused when it passes the form's limit, or earlier when the others hold the memory.
        #expect(answered["6"] == 413 || answered["6"] == 503, "chunked answered \(answered["6"] ?? 0)")
        #expect(peak < 150, "peak RSS \(peak) MB (idle \(idle) MB)")
        print("hostile input: peak RSS \(peak) MB (idle \(idle) MB), answers \(answered)")
        // Every form answered 200 is a record with its five photos.
        let records = try SQLiteCaseStore(path: storePath).records(channel: .webForm)
        #expect(records.count == formStatuses.filter { $0 == 200 }.count)
        #expect(records.allSatisfy { $0.attachments.count == 5 })
        // The server still answers.
        #expect(try RawHTTP.parse(RawHTTP.exchange(port: server.port, bytes: RawHTTP.request("GET", "/healthz", port: server.port))).status == 200)
    }
}
