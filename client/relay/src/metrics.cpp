#include "metrics.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef WORKITEM_RELAY_VERSION
#define WORKITEM_RELAY_VERSION "unknown"
#endif

namespace workitem::relay {

namespace {

std::string escape(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string render_metrics(const std::vector<std::unique_ptr<SinkStats>>& stats,
                           const std::vector<SinkLag>& lags) {
    std::string out;
    const auto counter = [&](const char* name, const char* help, auto read) {
        header(out, name, "counter", help);
        for (const auto& sink : stats) {
            out += fmt::format("{}{{sink=\"{}\"}} {}\n", name, escape(sink->sink), read(*sink));
        }
    };
    counter("workitem_relay_delivered_total", "Events the sink acknowledged.",
            [](const SinkStats& s) { return s.delivered.load(); });
    counter("workitem_relay_filtered_total", "Events the sink's filter left out.",
            [](const SinkStats& s) { return s.filtered.load(); });
    counter("workitem_relay_retries_total", "Failed deliveries that will be tried again.",
            [](const SinkStats& s) { return s.retries.load(); });
    counter("workitem_relay_dead_letters_total", "Events the sink gave up on (dead letters).",
            [](const SinkStats& s) { return s.dead_letters.load(); });
    counter("workitem_relay_batches_total", "Batches delivered and finished.",
            [](const SinkStats& s) { return s.batches.load(); });
    counter("workitem_relay_batch_seconds_total",
            "Time spent delivering the finished batches (divide by batches_total).",
            [](const SinkStats& s) { return s.batch_seconds.load(); });
    header(out, "workitem_relay_failed_total", "counter",
           "Failed deliveries, by sink and reason (http_503, timeout, connect, write...).");
    for (const auto& sink : stats) {
        for (const auto& [reason, count] : sink->failures()) {
            out += fmt::format("workitem_relay_failed_total{{sink=\"{}\",reason=\"{}\"}} {}\n",
                               escape(sink->sink), escape(reason), count);
        }
    }
    header(out, "workitem_relay_breaker_state", "gauge",
           "The sink's circuit breaker: 1 for the state it is in.");
    for (const auto& sink : stats) {
        const auto now = sink->breaker.load();
        for (const auto state :
             {BreakerState::closed, BreakerState::open, BreakerState::half_open}) {
            out += fmt::format("workitem_relay_breaker_state{{sink=\"{}\",state=\"{}\"}} {}\n",
                               escape(sink->sink), to_string(state), now == state ? 1 : 0);
        }
    }
    header(out, "workitem_relay_lag_events", "gauge",
           "Committed events the sink's consumer has not finished (counted up to 100000).");
    for (std::size_t i = 0; i < stats.size() && i < lags.size(); ++i) {
        if (lags[i].events) {
            out += fmt::format("workitem_relay_lag_events{{sink=\"{}\"}} {}\n",
                               escape(stats[i]->sink), *lags[i].events);
        }
    }
    header(out, "workitem_relay_lag_seconds", "gauge",
           "How long the oldest unfinished event has waited since it committed.");
    for (std::size_t i = 0; i < stats.size() && i < lags.size(); ++i) {
        if (lags[i].seconds) {
            out += fmt::format("workitem_relay_lag_seconds{{sink=\"{}\"}} {}\n",
                               escape(stats[i]->sink), *lags[i].seconds);
        }
    }
    header(out, "workitem_relay_database_up", "gauge",
           "Whether the sink's last call to the database succeeded.");
    for (const auto& sink : stats) {
        out += fmt::format("workitem_relay_database_up{{sink=\"{}\"}} {}\n", escape(sink->sink),
                           sink->database_ok.load() ? 1 : 0);
    }
    header(out, "workitem_relay_build_info", "gauge", "The relay's version; always 1.");
    out += fmt::format("workitem_relay_build_info{{version=\"{}\"}} 1\n", WORKITEM_RELAY_VERSION);
    return out;
}

MetricsServer::MetricsServer(const std::string& address, int port, Client& client,
                             const std::vector<std::unique_ptr<SinkStats>>& stats, Log& log)
    : client_(client), stats_(stats), log_(log) {
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, address.c_str(), &where.sin_addr) != 1) {
        throw std::runtime_error("metrics-address is not an IPv4 address: " + address);
    }
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 ||
        ::listen(listener_, 16) != 0) {
        const std::string error = std::strerror(errno);
        ::close(listener_);
        throw std::runtime_error("metrics: cannot listen on " + address + ":" +
                                 std::to_string(port) + ": " + error);
    }
    socklen_t length = sizeof where;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&where), &length);
    port_ = ntohs(where.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
}

MetricsServer::~MetricsServer() {
    stop();
}

void MetricsServer::stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    if (listener_ >= 0) {
        ::close(listener_);
        listener_ = -1;
    }
}

void MetricsServer::serve(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
        pollfd ready{.fd = listener_, .events = POLLIN, .revents = 0};
        if (::poll(&ready, 1, 200) <= 0) continue;
        const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        try {
            answer(connection);
        } catch (const std::exception& error) {
            log_.warning("metrics request", {{"error", error.what()}});
        }
        ::close(connection);
    }
}

void MetricsServer::answer(int connection) {
    timeval timeout{.tv_sec = 2, .tv_usec = 0};
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::string request;
    char buffer[1024];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 8192) {
        const auto got = ::recv(connection, buffer, sizeof buffer, 0);
        if (got <= 0) return;
        request.append(buffer, static_cast<std::size_t>(got));
    }
    const auto line_end = request.find("\r\n");
    const std::string line = request.substr(0, line_end);
    int status = 404;
    std::string body = "not found\n";
    std::string type = "text/plain; charset=utf-8";
    const auto target = [&](const char* path) {
        return line == fmt::format("GET {} HTTP/1.1", path) ||
               line == fmt::format("GET {} HTTP/1.0", path);
    };
    if (target("/livez")) {
        status = 200;
        body = "ok\n";
    } else if (target("/readyz")) {
        bool ready = true;
        for (const auto& sink : stats_) ready = ready && sink->database_ok.load();
        status = ready ? 200 : 503;
        body = ready ? "ready\n" : "not ready: a sink cannot reach the database\n";
    } else if (target("/metrics")) {
        std::vector<SinkLag> lags(stats_.size());
        try {
            for (const auto& row : client_.event_lag()) {
                for (std::size_t i = 0; i < stats_.size(); ++i) {
                    if (row.kind == "consumer" && row.name == stats_[i]->consumer) {
                        lags[i] =
                            SinkLag{.events = row.events_behind, .seconds = row.seconds_behind};
                    }
                }
            }
        } catch (const std::exception& error) {
            log_.warning("metrics: event lag unavailable", {{"error", error.what()}});
        }
        status = 200;
        body = render_metrics(stats_, lags);
        type = "text/plain; version=0.0.4; charset=utf-8";
    }
    const std::string reason = status == 200   ? "OK"
                               : status == 503 ? "Service Unavailable"
                                               : "Not Found";
    const std::string answer = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
        "Connection: close\r\n\r\n{}",
        status, reason, type, body.size(), body);
    std::size_t sent = 0;
    while (sent < answer.size()) {
        const auto wrote =
            ::send(connection, answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0) return;
        sent += static_cast<std::size_t>(wrote);
    }
}

}  // namespace workitem::relay
