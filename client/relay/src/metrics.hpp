// /metrics (Prometheus text format 0.0.4), /livez and /readyz on a loopback port (docs/relay.md,
// Metrics). Labels are sink names, breaker states and failure reasons, all bounded by the
// configuration; never an event, item or tenant. Requests are read with a bounded size and
// time, one at a time on one thread: this is an operator's endpoint, not a service.
#pragma once

#include "log.hpp"
#include "stats.hpp"

#include <workitem/client.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace workitem::relay {

struct SinkLag {
    std::optional<std::int64_t> events{};
    std::optional<double> seconds{};
};

// The exposition of these sinks' counters; lags[i] is sink i's (from workitem.event_lag).
std::string render_metrics(const std::vector<std::unique_ptr<SinkStats>>& stats,
                           const std::vector<SinkLag>& lags);

class MetricsServer {
  public:
    // Binds and listens now (throws std::runtime_error when it cannot), serves on a thread.
    MetricsServer(const std::string& address, int port, Client& client,
                  const std::vector<std::unique_ptr<SinkStats>>& stats, Log& log);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    int port() const { return port_; }
    void stop();

  private:
    void serve(const std::stop_token& stop);
    void answer(int connection);

    Client& client_;
    const std::vector<std::unique_ptr<SinkStats>>& stats_;
    Log& log_;
    int listener_{-1};
    int port_{};
    std::jthread thread_;
};

}  // namespace workitem::relay
