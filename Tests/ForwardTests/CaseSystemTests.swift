import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LetterboxCore
import LetterboxForward
import LetterboxStore
import LetterboxTesting
import Testing
import Synchronization

@Suite("Email to a case system through sendmail")
struct EmailForwardTests {
    /// A sendmail stand-in: writes each message to out/, or exits 75 while a `tempfail` file exists.
    static func standIn(_ root: URL) throws -> URL {
        let script = root.appendingPathComponent("sendmail")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        try """
            #!/bin/sh
            dir="$(dirname "$0")"
            [ "$1 $2" = "-t -i" ] || { echo "expected -t -i, got $*" >&2; exit 64; }
            if [ -f "$dir/tempfail" ]; then echo "451 queue full" >&2; cat > /dev/null; exit 75; fi
            cat > "$dir/out/$(date +%s%N).eml"
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return script
    }

    @Test("One message per event: stable Message-ID across retries, later events answer the first, exit 75 is retried")
    func email() async throws {
        let setup = try Setup(.sqlite)
        let sendmail = try Self.standIn(setup.root)
        let reference = try setup.thread("anna@tenant.example", count: 2, topic: "boiler")
        let officers = ForwardConfiguration.DestinationSettings(
            name: "officers", kind: .email(to: "cases@housing.example", from: "letterbox@housing.example", sendmail: sendmail.path)
        )
        _ = FileManager.default.createFile(atPath: setup.root.appendingPathComponent("tempfail").path, contents: nil)
        let first = try setup.worker { $0.destinations = [officers] }
        let summary = await first.runOnce()
        let states = try setup.store.deliveries(destination: "officers").map { "\($0.state) \($0.lastError ?? "")" }
        #expect(summary.failed == 1, "\(summary) \(states)")
        let failed = try #require(try setup.store.deliveries(destination: "officers").first)
        #expect(failed.state == "retrying")
        #expect(failed.lastError?.contains("exit 75") == true && failed.lastError?.contains("queue full") == true)
        try FileManager.default.removeItem(at: setup.root.appendingPathComponent("tempfail"))
        try setup.store.retryDeliveries(id: failed.id, actor: "test")
        let again = try setup.worker { $0.destinations = [officers] }
        #expect(await again.runOnce().delivered == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: setup.root.appendingPathComponent("out").path).sorted()
        #expect(files.count == 2)
        let messages = try files.map { try String(contentsOf: setup.root.appendingPathComponent("out/\($0)"), encoding: .utf8) }
        func header(_ name: String, _ message: String) -> String? {
            message.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        let firstId = try #require(header("Message-ID", messages[0]))
        #expect(firstId == "<\(failed.eventId)@housing.example>")
        #expect(header("Subject", messages[0])?.hasPrefix("[\(reference)]") == true)
        #expect(header("In-Reply-To", messages[1]) == firstId)
        #expect(header("References", messages[1]) == firstId)
        #expect(header("To", messages[0]) == "cases@housing.example")
        #expect(messages[0].contains("Content-Type: multipart/mixed"))
    }
}

/// A private Request Tracker 5 (Debian's request-tracker5 with SQLite): set up in a temp folder,
/// served by rt-server on a free port, with a Complaints queue carrying Letterbox's custom fields.
final class RequestTracker: @unchecked Sendable {
    static let server = "/usr/share/request-tracker5/libexec/rt-server"
    static var installed: Bool { FileManager.default.isExecutableFile(atPath: server) }

    let root: URL
    let port: Int
    let process: Process
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        root = try Fixtures.temporaryFolder("rt")
        port = try freePort()
        try """
            Set($rtname, 'letterbox-test');
            Set($Organization, 'letterbox.test');
            Set($DatabaseType, 'SQLite');
            Set($DatabaseName, '\(root.path)/rt.db');
            Set($WebPath, '');
            Set($WebPort, \(port));
            Set($WebDomain, '127.0.0.1');
            Set($WebBaseURL, 'http://127.0.0.1:\(port)');
            Set($MailCommand, 'testfile');
            Set($LogToSTDERR, 'error');
            Set($LogToSyslog, undef);
            1;
            """.write(to: root.appendingPathComponent("RT_SiteConfig.pm"), atomically: true, encoding: .utf8)
        try """
            @Queues = ({ Name => 'Complaints', Description => 'Letterbox cases' }, { Name => 'Strict', Description => 'A validating field' });
            @CustomFields = (
              { Name => 'Letterbox reference', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => ['Complaints'] },
              { Name => 'Channel', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => ['Complaints'] },
              { Name => 'Kind', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => ['Complaints'] },
              { Name => 'Strict reference', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => ['Strict'], Pattern => '(?#Digits only)^[0-9]+$' },
            );
            1;
            """.write(to: root.appendingPathComponent("data.pl"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["RT_SITE_CONFIG"] = root.appendingPathComponent("RT_SiteConfig.pm").path
        environment["RT_SITE_CONFIG_DIR"] = root.appendingPathComponent("conf.d").path
        for arguments in [["--action", "init", "--skip-create"], ["--action", "insert", "--datafile", root.appendingPathComponent("data.pl").path]] {
            let setup = Process()
            setup.executableURL = URL(fileURLWithPath: "/usr/sbin/rt-setup-database-5")
            setup.arguments = arguments
            setup.environment = environment
            setup.standardOutput = FileHandle.nullDevice
            setup.standardError = FileHandle.nullDevice
            try setup.run()
            setup.waitUntilExit()
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.server)
        process.arguments = ["--host", "127.0.0.1", "--port", String(port), "--max-workers", "2"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    /// Stops rt-server and its workers (it forks; SIGTERM alone leaves it draining).
    func stop() {
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        kill.arguments = ["-9", "-f", "rt-server --host 127.0.0.1 --port \(port) "]
        try? kill.run()
        kill.waitUntilExit()
        try? FileManager.default.removeItem(at: root)
    }

    /// A REST 2 call as root, answered as JSON.
    func call(_ method: String, _ path: String, json: [String: Any]? = nil) throws -> (Int, Any?) {
        var request = URLRequest(url: URL(string: url + "/REST/2.0" + path)!)
        request.httpMethod = method
        request.setValue("Basic " + Data("root:password".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.value = ((response as? HTTPURLResponse)?.statusCode ?? 0, data.flatMap { try? JSONSerialization.jsonObject(with: $0) })
            done.signal()
        }.resume()
        done.wait()
        return box.value
    }

    final class ResultBox: @unchecked Sendable {
        var value: (Int, Any?) = (0, nil)
    }

    func ready() -> Bool {
        Fixtures.waitUntil(timeout: 60) { ((try? call("GET", "/queue/Complaints"))?.0 ?? 0) == 200 }
    }

    func tickets(reference: String) throws -> [[String: String]] {
        let query = "Queue = 'Complaints' AND 'CF.{Letterbox reference}' = '\(reference)'"
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "query", value: query), URLQueryItem(name: "fields", value: "Subject,Status,Due,Requestors")]
        let (_, body) = try call("GET", "/tickets?" + components.percentEncodedQuery!)
        let items = ((body as? [String: Any])?["items"] as? [[String: Any]]) ?? []
        return items.map { $0.mapValues { "\($0)" } }
    }

    /// The ticket's transactions' types (Create, Correspond, Comment, Status, ...).
    func history(_ id: String) throws -> [String] {
        let (_, body) = try call("GET", "/ticket/\(id)/history?fields=Type&per_page=100")
        return ((body as? [String: Any])?["items"] as? [[String: Any]])?.compactMap { $0["Type"] as? String } ?? []
    }
}

@Suite("Request Tracker 5, the real one", .serialized, .enabled(if: Fixtures.peerAvailable(RequestTracker.server), "request-tracker5 is not installed (.ci/run installs it)"))
struct RequestTrackerTests {
    func destination(_ rt: RequestTracker, queue: String = "Complaints") -> ForwardConfiguration.DestinationSettings {
        .init(name: "rt", kind: .requestTracker(url: rt.url, queue: queue, auth: .basic(user: "root", password: "password"), customFields: .init()))
    }

    @Test("A case is one ticket with its custom fields; later records are correspondence, a correction a comment, closing resolves it; a retry after a crash makes no second ticket")
    func tickets() async throws {
        let rt = try await Fixtures.offPool { try RequestTracker() }
        defer { rt.stop() }
        #expect(try await Fixtures.offPool { rt.ready() })
        let setup = try Setup(.sqlite)
        let reference = try setup.thread("anna@tenant.example", count: 2, topic: "boiler")
        // As if a worker had created this ticket and died before marking the event delivered.
        let other = try setup.thread("bob@tenant.example", count: 1, topic: "lift")
        let made = try await Fixtures.offPool {
            try rt.call("POST", "/ticket", json: [
                "Queue": "Complaints", "Subject": "[\(other)] made before a crash", "CustomFields": ["Letterbox reference": other],
            ]).0
        }
        #expect(made == 201)
        try setup.store.correctTriage(reference: reference, kind: .complaint, category: nil, serviceArea: nil, reason: "Asked to complain", by: "officer")
        _ = try setup.store.setCaseStatus(reference: reference, open: false, actor: "officer", reason: "Boiler replaced")
        let worker = try setup.worker { $0.destinations = [destination(rt)]; $0.timeout = 30 }
        let summary = await worker.runOnce()
        #expect(summary.delivered == 5)
        let tickets = try await Fixtures.offPool { try rt.tickets(reference: reference) }
        #expect(tickets.count == 1)
        let ticket = try #require(tickets.first)
        #expect(ticket["Subject"]?.hasPrefix("[\(reference)]") == true)
        #expect(ticket["Status"] == "resolved")
        #expect(ticket["Due"]?.hasPrefix("1970") == false)
        let id = try #require(ticket["id"])
        let history = try await Fixtures.offPool { try rt.history(id) }
        #expect(history.filter { $0 == "Correspond" }.count == 1)
        #expect(history.filter { $0 == "Comment" }.count >= 2)
        #expect(try setup.store.remoteId(destination: "rt", caseId: try #require(try setup.store.caseId(reference: reference))) == id)
        #expect(try await Fixtures.offPool { try rt.tickets(reference: other) }.count == 1)
    }

    @Test("A custom field that refuses Letterbox's value (RT keeps the ticket, drops the value): a retry still finds the ticket by subject")
    func refusedCustomField() async throws {
        let rt = try await Fixtures.offPool { try RequestTracker() }
        defer { rt.stop() }
        #expect(try await Fixtures.offPool { rt.ready() })
        var fields = RequestTrackerDestination.CustomFieldNames()
        fields.reference = "Strict reference"
        let strict = ForwardConfiguration.DestinationSettings(
            name: "rt", kind: .requestTracker(url: rt.url, queue: "Strict", auth: .basic(user: "root", password: "password"), customFields: fields)
        )
        // Two stores give their first case the same reference: the second is a worker that
        // created the ticket and died before it could keep the ticket's id.
        for _ in 0..<2 {
            let setup = try Setup(.sqlite)
            try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
            let worker = try setup.worker { $0.destinations = [strict]; $0.timeout = 30 }
            #expect(await worker.runOnce().delivered == 1)
        }
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "query", value: "Queue = 'Strict'")]
        let query = components.percentEncodedQuery!
        let count = try await Fixtures.offPool { ((try rt.call("GET", "/tickets?" + query).1 as? [String: Any])?["count"] as? Int) }
        #expect(count == 1)
    }

    @Test("A queue that does not exist is a clear error naming it, and the event is kept")
    func missingQueue() async throws {
        let rt = try await Fixtures.offPool { try RequestTracker() }
        defer { rt.stop() }
        #expect(try await Fixtures.offPool { rt.ready() })
        let setup = try Setup(.sqlite)
        try setup.thread("anna@tenant.example", count: 1, topic: "boiler")
        let worker = try setup.worker { $0.destinations = [destination(rt, queue: "Complaintz")]; $0.timeout = 30 }
        #expect(await worker.runOnce().failed == 1)
        let row = try #require(try setup.store.deliveries(destination: "rt").first)
        #expect(row.state == "retrying")
        #expect(row.lastError?.contains("Complaintz") == true)
    }
}

@Suite("letterbox forward, the command")
struct ForwardCommandTests {
    @Test("Killed with SIGKILL after the receiver got an event but before it was marked: the next run sends it again with the same webhook-id", arguments: Backend.allCases)
    func killedMidDelivery(_ backend: Backend) async throws {
        let receiver = try await Receiver.start()
        defer { Task { await receiver.stop() } }
        let root = try Fixtures.temporaryFolder("forward-kill")
        let store = try await TestStores.name(backend, sqlitePath: root.appendingPathComponent("letterbox.sqlite").path)
        let config = root.appendingPathComponent("letterbox.yaml")
        try """
            forward:
              destinations: [crm]
              timeoutSeconds: 10
              leaseSeconds: 1
              crm:
                type: webhook
                url: \(receiver.url)
            """.write(to: config, atomically: true, encoding: .utf8)
        let mail = try Data(contentsOf: Fixtures.samples("email").appendingPathComponent("01-complaint-plain.eml"))
        #expect(try await Fixtures.run(["ingest", "email", "--store", store, "--config", config.path], stdin: mail).status == 0)
        let environment = ["LETTERBOX_FORWARD_CRM_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
        receiver.mode.withLock { $0 = .stall(seconds: 2) }
        let child = Process()
        child.executableURL = Fixtures.binary
        child.arguments = ["forward", "--store", store, "--config", config.path]
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        child.standardOutput = FileHandle.nullDevice
        let log = root.appendingPathComponent("forward.stderr")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        child.standardError = try FileHandle(forWritingTo: log)
        try child.run()
        // 60 s: on a slow CI machine with every suite running, 20 s went by before the first send.
        let sent = await waitFor(seconds: 60) { receiver.requests.withLock { $0 } >= 1 }
        #expect(sent, "forward said: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        kill(child.processIdentifier, SIGKILL)
        try await Fixtures.offPool { child.waitUntilExit() }
        receiver.mode.withLock { $0 = .accept }
        // The stalled request completes at the receiver although its sender is gone (30 s at
        // most: on a busy machine with every suite running, 10 s was not always enough).
        #expect(await waitFor(seconds: 30) { receiver.deliveries.count == 1 })
        // The claim lapses (lease: timeout + 5 s), and the next run delivers the same event again.
        try await Task.sleep(for: .seconds(15.5))
        let again = try await Fixtures.run(["forward", "--store", store, "--config", config.path], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        let got = receiver.deliveries
        #expect(got.count == 2)
        #expect(got.count == 2 && got[0].id == got[1].id)
        #expect(got.allSatisfy { $0.signatureValid })
        let list = try await Fixtures.run(["outbox", "list", "--store", store, "--config", config.path])
        #expect(list.stdout.contains("delivered"))
        // The secret never reaches the output or the logs.
        #expect(!(again.stdout + again.stderr + list.stdout).contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    }
}
