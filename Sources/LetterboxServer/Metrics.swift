import Foundation
import Synchronization

/// Counters and a latency histogram, served as Prometheus text at `GET /metrics`.
public final class ServerMetrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Histogram {
        var counts = [Int](repeating: 0, count: ServerMetrics.buckets.count)
        var sum = 0.0
        var total = 0
    }

    struct State {
        var submissions: [String: Int] = [:]
        var requests: [String: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// One stored submission (a redelivery and a quarantine count too, under their disposition).
    public func recordSubmission(channel: String, disposition: String) {
        state.withLock { $0.submissions["channel=\"\(channel)\",disposition=\"\(disposition)\"", default: 0] += 1 }
    }

    /// One answered request: the route's template (never the URL, which may hold a secret) and status.
    public func recordRequest(route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests["route=\"\(route)\",status=\"\(status)\"", default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.total += 1
            state.latency[route] = histogram
        }
    }

    public func prometheusText() -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP letterbox_submissions_total Submissions stored, by channel and disposition.\n"
        out += "# TYPE letterbox_submissions_total counter\n"
        for (labels, value) in snapshot.submissions.sorted(by: { $0.key < $1.key }) {
            out += "letterbox_submissions_total{\(labels)} \(value)\n"
        }
        out += "# HELP letterbox_http_requests_total HTTP requests answered, by route and status.\n"
        out += "# TYPE letterbox_http_requests_total counter\n"
        for (labels, value) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            out += "letterbox_http_requests_total{\(labels)} \(value)\n"
        }
        out += "# HELP letterbox_http_request_duration_seconds Time to answer a request, by route.\n"
        out += "# TYPE letterbox_http_request_duration_seconds histogram\n"
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.buckets.enumerated() {
                out += "letterbox_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(histogram.counts[index])\n"
            }
            out += "letterbox_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(histogram.total)\n"
            out += "letterbox_http_request_duration_seconds_sum{route=\"\(route)\"} \(histogram.sum)\n"
            out += "letterbox_http_request_duration_seconds_count{route=\"\(route)\"} \(histogram.total)\n"
        }
        return out
    }
}
