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

}  // namespace

Metrics::Metrics(std::string version) : version_(std::move(version)) {}

void Metrics::record_request(const std::string& method, const std::string& route, int status,
                             double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{method, route, status}];
    auto& histogram = latency_[{method, route}];
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
        if (seconds <= latency_buckets[i]) {
            ++histogram.buckets[i];
            break;
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
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
            unsigned long long cumulative = 0;
            for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
                cumulative += histogram.buckets[i];
                out += fmt::format("workitem_http_request_duration_seconds_bucket{} {}\n",
                                   labels_text({{"method", method},
                                                {"route", route},
                                                {"le", fmt::format("{}", latency_buckets[i])}}),
                                   cumulative);
            }
            const auto labels = labels_text({{"method", method}, {"route", route}});
            out += fmt::format("workitem_http_request_duration_seconds_bucket{} {}\n",
                               labels_text({{"method", method}, {"route", route}, {"le", "+Inf"}}),
                               histogram.count);
            out += fmt::format("workitem_http_request_duration_seconds_sum{} {}\n", labels,
                               histogram.sum);
            out += fmt::format("workitem_http_request_duration_seconds_count{} {}\n", labels,
                               histogram.count);
        }
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
