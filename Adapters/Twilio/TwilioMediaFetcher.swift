import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches a picture message's media from Twilio (`sms.<name>.fetchMedia: true`), with the
/// account's credentials, while the webhook waits (Twilio allows 15 s; the fetch has
/// `mediaTimeoutSeconds`, 10 by default, for all of a message's media together).
///
/// Credentials go only to the hosts in `mediaHosts` (`api.twilio.com`). Twilio answers a media
/// URL with a redirect to its content store; a redirect is followed (five at most) without the
/// credentials unless it stays on those hosts, and only over HTTPS. A medium that cannot be
/// fetched (a timeout, a 404, over `maxMediaBytes`) is recorded with the reason, and the
/// message is stored all the same.
public struct TwilioMediaFetcher: Sendable {
    /// Hosts trusted with the account's credentials, in lower case.
    public var hosts: Set<String>
    public var maxBytes: Int
    public var timeout: Double

    public init(hosts: Set<String> = ["api.twilio.com"], maxBytes: Int = 5 << 20, timeout: Double = 10) {
        self.hosts = Set(hosts.map { $0.lowercased() })
        self.maxBytes = maxBytes
        self.timeout = timeout
    }

    /// One client for the process: it lives as long as the server, so it is never shut down.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Fetches every medium, together; one item per medium, in order.
    func fetch(_ media: [(index: Int, url: String, contentType: String)], accountSid: String, authToken: String) async -> [TwilioMediaBundle.Item] {
        let deadline = NIODeadline.now() + .milliseconds(Int64(timeout * 1000))
        let credentials = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        return await withTaskGroup(of: TwilioMediaBundle.Item.self) { group in
            for medium in media {
                group.addTask {
                    var item = TwilioMediaBundle.Item(index: medium.index, url: medium.url, contentType: medium.contentType)
                    switch await fetchOne(medium.url, credentials: credentials, deadline: deadline) {
                    case .success(let (data, type)):
                        item.data = data
                        if let type, !type.isEmpty { item.contentType = type }
                    case .failure(let failure):
                        item.failure = failure.reason
                    }
                    return item
                }
            }
            var items: [TwilioMediaBundle.Item] = []
            for await item in group { items.append(item) }
            return items.sorted { $0.index < $1.index }
        }
    }

    struct Failure: Error { var reason: String }

    private func fetchOne(_ address: String, credentials: String, deadline: NIODeadline) async -> Result<(Data, String?), Failure> {
        guard var url = URL(string: address), let firstHost = url.host?.lowercased(), url.scheme == "https" || url.scheme == "http" else {
            return .failure(Failure(reason: "Not fetched: \(address) is not an HTTP URL."))
        }
        guard hosts.contains(firstHost) else {
            return .failure(Failure(reason: "Not fetched: the media host \(firstHost) is not one of mediaHosts (\(hosts.sorted().joined(separator: ", ")))."))
        }
        for _ in 0..<6 {
            let host = url.host?.lowercased() ?? ""
            let trusted = hosts.contains(host)
            guard trusted || url.scheme == "https" else {
                return .failure(Failure(reason: "Not fetched: Twilio redirected to \(host) over plain HTTP."))
            }
            var request = HTTPClientRequest(url: url.absoluteString)
            if trusted { request.headers.add(name: "Authorization", value: credentials) }
            do {
                let response = try await Self.client.execute(request, deadline: deadline)
                let status = Int(response.status.code)
                if [301, 302, 303, 307, 308].contains(status) {
                    guard let location = response.headers.first(name: "Location"), let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                        return .failure(Failure(reason: "Not fetched: HTTP \(status) without a usable Location."))
                    }
                    url = next
                    continue
                }
                guard status == 200 else { return .failure(Failure(reason: "Not fetched: HTTP \(status) from \(host).")) }
                var collected = Data()
                for try await chunk in response.body {
                    collected.append(contentsOf: chunk.readableBytesView)
                    if collected.count > maxBytes {
                        return .failure(Failure(reason: "Not fetched: over maxMediaBytes (\(maxBytes) bytes)."))
                    }
                }
                let type = response.headers.first(name: "Content-Type").map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces) }
                return .success((collected, type))
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                return .failure(Failure(reason: "Not fetched: no answer within \(Int(timeout)) s (mediaTimeoutSeconds)."))
            } catch {
                return .failure(Failure(reason: "Not fetched: \(error)."))
            }
        }
        return .failure(Failure(reason: "Not fetched: more than five redirects."))
    }
}
