#include "metrics.hpp"

#include <fmt/format.h>

namespace workitem::gateway {

std::string escape_label_value(const std::string& value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (const char character : value) {
        if (character == '\\') {
            escaped += "\\\\";
        } else if (character == '"') {
            escaped += "\\\"";
        } else if (character == '\n') {
            escaped += "\\n";
        } else {
            escaped += character;
        }
    }
    return escaped;
}

namespace {

std::string labels_text(const std::vector<std::pair<std::string, std::string>>& labels) {
    if (labels.empty()) return {};
    std::string text = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) text += ',';
        text += labels[i].first + "=\"" + escape_label_value(labels[i].second) + '"';
    }
    return text + '}';
}

void header(std::string& out, const std::string& name, const std::string& type,
            const std::string& help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

using Labels = std::vector<std::pair<std::string, std::string>>;

// One histogram's series: its cumulative buckets, +Inf, sum and count.
template <std::size_t size>
void histogram_series(std::string& out, const std::string& name, const Labels& labels,
                      const std::array<double, size>& bounds,
                      const std::array<unsigned long long, size>& buckets, unsigned long long count,
                      double sum) {
    unsigned long long cumulative = 0;
    const auto bucket = [&](std::string bound, unsigned long long value) {
        auto with_bound = labels;
        with_bound.emplace_back("le", std::move(bound));
        out += fmt::format("{}_bucket{} {}\n", name, labels_text(with_bound), value);
    };
    for (std::size_t i = 0; i < size; ++i) {
        cumulative += buckets[i];
        bucket(fmt::format("{}", bounds[i]), cumulative);
    }
    bucket("+Inf", count);
    out += fmt::format("{}_sum{} {}\n", name, labels_text(labels), sum);
    out += fmt::format("{}_count{} {}\n", name, labels_text(labels), count);
}

}  // namespace

template <std::size_t size>
void Metrics::Histogram<size>::observe(const std::array<double, size>& bounds, double value) {
    for (std::size_t i = 0; i < size; ++i) {
        if (value <= bounds[i]) {
            ++buckets[i];
            break;
        }
    }
    ++count;
    sum += value;
}

Metrics::Metrics(std::string version) : version_(std::move(version)) {}

void Metrics::record_request(const std::string& method, const std::string& route, int status,
                             double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{method, route, status}];
    latency_[{method, route}].observe(latency_buckets, seconds);
}

void Metrics::record_pool_wait(double seconds) {
    std::lock_guard lock(mutex_);
    pool_wait_.observe(pool_wait_buckets, seconds);
}

std::string Metrics::render(const std::vector<Gauge>& gauges) const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        header(out, "workitem_http_requests_total", "counter",
               "HTTP requests answered, by method, route template and status code.");
        for (const auto& [key, count] : requests_) {
            const auto& [method, route, status] = key;
            out += fmt::format(
                "workitem_http_requests_total{} {}\n",
                labels_text(
                    {{"method", method}, {"route", route}, {"code", std::to_string(status)}}),
                count);
        }
        header(out, "workitem_http_request_duration_seconds", "histogram",
               "Time from a request read to its answer written, by method and route template.");
        for (const auto& [key, histogram] : latency_) {
            const auto& [method, route] = key;
            histogram_series(out, "workitem_http_request_duration_seconds",
                             {{"method", method}, {"route", route}}, latency_buckets,
                             histogram.buckets, histogram.count, histogram.sum);
        }
        header(out, "workitem_db_pool_wait_seconds", "histogram",
               "Time a request waited for a pooled database connection (and its thread).");
        histogram_series(out, "workitem_db_pool_wait_seconds", {}, pool_wait_buckets,
                         pool_wait_.buckets, pool_wait_.count, pool_wait_.sum);
    }
    std::string last_gauge;
    for (const auto& gauge : gauges) {
        if (gauge.name != last_gauge) header(out, gauge.name, gauge.type, gauge.help);
        last_gauge = gauge.name;
        out += fmt::format("{}{} {}\n", gauge.name, labels_text(gauge.labels), gauge.value);
    }
    header(out, "workitem_build_info", "gauge", "The gateway's version; always 1.");
    out += fmt::format("workitem_build_info{} 1\n", labels_text({{"version", version_}}));
    return out;
}

void add_wait_gauges(std::vector<Gauge>& gauges, int long_polls, int streams) {
    gauges.push_back({"workitem_http_long_polls_waiting",
                      "Long polls (?wait=) parked, waiting for work or events.",
                      {},
                      static_cast<double>(long_polls)});
    gauges.push_back({"workitem_sse_streams_open",
                      "Worklist streams (server-sent events) open.",
                      {},
                      static_cast<double>(streams)});
}

}  // namespace workitem::gateway
