// Prometheus metrics in the text exposition format 0.0.4: requests by method, route template
// and status, their latency as a histogram, the wait for a database connection as a histogram,
// and gauges (and totals kept elsewhere) read at scrape time. A route label is
// always a template ("/api/v1/workitems/{id}"), never a raw path, so no item id, tenant or user
// ever becomes a label and the number of series stays bounded.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace workitem::gateway {

struct Gauge {
    std::string name;
    std::string help;
    std::vector<std::pair<std::string, std::string>> labels;
    double value{};
    // "counter" for a total kept elsewhere and read at scrape time (the rate limit's refusals).
    std::string type{"gauge"};
};

class Metrics {
  public:
    explicit Metrics(std::string version);

    void record_request(const std::string& method, const std::string& route, int status,
                        double seconds);
    // How long a request waited for a database connection (workitem_db_pool_wait_seconds).
    void record_pool_wait(double seconds);

    // The whole exposition: the counters and histograms, the gauges given, and build info.
    std::string render(const std::vector<Gauge>& gauges) const;

    static constexpr std::array<double, 12> latency_buckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                            0.25,  0.5,   1,    2.5,   5,    10};
    // A wait is mostly far shorter than a request, and at most the acquisition timeout.
    static constexpr std::array<double, 13> pool_wait_buckets{
        0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  private:
    template <std::size_t size>
    struct Histogram {
        std::array<unsigned long long, size> buckets{};  // per bucket; cumulative at render
        unsigned long long count{};
        double sum{};

        void observe(const std::array<double, size>& bounds, double value);
    };

    std::string version_;
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, unsigned long long> requests_;
    std::map<std::pair<std::string, std::string>, Histogram<latency_buckets.size()>> latency_;
    Histogram<pool_wait_buckets.size()> pool_wait_;
};

// The gauges of the parked requests: workitem_http_long_polls_waiting and
// workitem_sse_streams_open.
void add_wait_gauges(std::vector<Gauge>& gauges, int long_polls, int streams);

// A label value with \, " and newlines escaped as the format asks.
std::string escape_label_value(const std::string& value);

}  // namespace workitem::gateway
