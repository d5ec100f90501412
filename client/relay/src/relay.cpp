#include "relay.hpp"

#include "breaker.hpp"
#include "cursor_lock.hpp"
#include "dead_letters.hpp"
#include "delivery.hpp"
#include "event_source.hpp"
#include "metrics.hpp"
#include "sinks.hpp"
#include "stats.hpp"

#include <workitem/client.hpp>
#include <workitem/event_consumer.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include <pthread.h>
#include <signal.h>

namespace workitem::relay {

ClientOptions client_options(const Settings& settings, Log& log, int pool_size) {
    ClientOptions options;
    options.dsn = settings.dsn;
    options.tenant = settings.tenant;
    options.pool_size = pool_size;
    options.application_name = "workitem-relay";
    options.logger = [&log](LogLevel level, std::string_view message) {
        const Level mapped = level == LogLevel::debug     ? Level::debug
                             : level == LogLevel::info    ? Level::info
                             : level == LogLevel::warning ? Level::warning
                                                          : Level::error;
        log.write(mapped, "client", {{"detail", std::string(message)}});
    };
    return options;
}

namespace {

// Everything one sink's loop needs, alive as long as its thread.
struct SinkLoop {
    const SinkConfig* config{};
    std::unique_ptr<Sink> sink{};
    std::unique_ptr<CircuitBreaker> breaker{};
    std::unique_ptr<EventSource> source{};
    std::unique_ptr<BatchDelivery> delivery{};
    std::unique_ptr<EventConsumer> waiter{};
    std::unique_ptr<CursorLock> lock{};
};

}  // namespace

int run_relay(const Config& config, Log& log) {
    const auto& settings = config.settings;
    // SIGTERM and SIGINT are taken by sigwait below, in this thread only: blocked before any
    // thread starts, so that every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a failed write, retried

    const int sink_count = static_cast<int>(config.sinks.size());
    Client client(client_options(settings, log, sink_count * 2 + 2));
    DeadLetterStore dead_letters(client);
    std::vector<std::unique_ptr<SinkStats>> stats;
    std::vector<SinkLoop> loops;
    for (const auto& sink_config : config.sinks) {
        auto& sink_stats = *stats.emplace_back(std::make_unique<SinkStats>());
        sink_stats.sink = sink_config.name;
        sink_stats.type = sink_config.type;
        sink_stats.consumer = consumer_name(settings, sink_config);
        SinkLoop loop;
        loop.config = &sink_config;
        loop.sink = make_sink(sink_config);
        loop.breaker = std::make_unique<CircuitBreaker>(sink_config.breaker);
        loop.source = std::make_unique<EventSource>(client, sink_stats.consumer,
                                                    settings.tenant.empty(), settings.batch_size);
        const std::string sink_name = sink_config.name;
        const std::string consumer = sink_stats.consumer;
        loop.delivery = std::make_unique<BatchDelivery>(
            sink_config, *loop.sink, *loop.breaker, sink_stats,
            [&dead_letters, &log, sink_name, consumer](const RelayEvent& event,
                                                       const std::string& reason,
                                                       const std::string& error, int attempts) {
                const auto id =
                    dead_letters.add(sink_name, consumer, event, reason, error, attempts);
                log.warning("dead letter", {{"sink", sink_name},
                                            {"dead_letter", id},
                                            {"event_id", event.id},
                                            {"item_id", event.item_id},
                                            {"reason", reason},
                                            {"attempts", attempts}});
            },
            log);
        loop.waiter = std::make_unique<EventConsumer>(
            client, sink_stats.consumer,
            EventConsumerOptions{.batch = {},
                                 .idle_wait = std::chrono::milliseconds(settings.idle_wait_ms),
                                 .wake_on_notify = settings.wake_on_notify});
        if (settings.cursor_lock) {
            loop.lock = std::make_unique<CursorLock>(client.options().dsn, sink_stats.consumer);
        }
        loops.push_back(std::move(loop));
    }

    std::unique_ptr<MetricsServer> metrics;
    if (settings.metrics_port >= 0) {
        metrics = std::make_unique<MetricsServer>(settings.metrics_address, settings.metrics_port,
                                                  client, stats, log);
    }

    std::vector<std::jthread> threads;
    std::atomic<int> running{static_cast<int>(loops.size())};
    for (std::size_t i = 0; i < loops.size(); ++i) {
        threads.emplace_back([&loops, &stats, &log, &running, &settings, i](std::stop_token stop) {
            auto& loop = loops[i];
            run_sink(*loop.source, *loop.delivery, *loop.waiter, *stats[i], log, stop,
                     loop.lock.get(), std::chrono::milliseconds(settings.linger_ms));
            running.fetch_sub(1);
        });
    }
    log.info("started", {{"sinks", sink_count},
                         {"all_tenants", settings.tenant.empty()},
                         {"metrics_port", metrics ? metrics->port() : -1}});

    int received = 0;
    while (sigwait(&signals, &received) != 0) {
    }
    log.info("stopping", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
    for (auto& thread : threads) thread.request_stop();
    // A sink stops between two deliveries; one stuck in a call past the timeout is abandoned:
    // its batch was not finished, so it comes again at the next start.
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(settings.shutdown_timeout_ms);
    while (running.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (running.load() > 0) {
        log.warning(
            "stopped: shutdown-timeout-ms passed with a delivery in flight; its batch "
            "was not finished and comes again at the next start",
            {{"sinks_in_flight", running.load()}});
        std::_Exit(0);
    }
    for (auto& thread : threads) thread.join();
    if (metrics) metrics->stop();
    log.info("stopped");
    return 0;
}

}  // namespace workitem::relay
