public import Prometheus

/// The server's counters and request-latency histogram, in a swift-prometheus registry served
/// at `GET /metrics`. `letterbox serve` bootstraps swift-metrics with the same registry, so the
/// forwarding worker's and the watchers' metrics (recorded through swift-metrics) appear beside
/// these. The registry escapes label values, which the hand-written text this replaced did not.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    static let buckets: [Duration] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map {
        .milliseconds(Int64($0 * 1000))
    }

    static var submissions: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "letterbox", metricName: "submissions", unitName: "total", helpText: "Submissions stored, by channel and disposition."
    ) }
    static var requests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "letterbox", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered, by route and status."
    ) }
    static var duration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "letterbox", metricName: "http_request_duration", unitName: "seconds", helpText: "Time to answer a request, by route."
    ) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// One stored submission (a redelivery and a quarantine count too, under their disposition).
    public func recordSubmission(channel: String, disposition: String) {
        registry.makeCounter(descriptor: Self.submissions, labels: [("channel", channel), ("disposition", disposition)]).increment()
    }

    /// One answered request: the route's template (never the URL, which may hold a secret) and status.
    public func recordRequest(route: String, status: Int, seconds: Double) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: Self.buckets).record(Duration.nanoseconds(Int64(seconds * 1_000_000_000)))
    }

    public func prometheusText() -> String {
        registry.emitToString()
    }
}
