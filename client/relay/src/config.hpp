// The relay's configuration (docs/relay.md, Configuration): the process settings from flags,
// each with an environment variable WORKITEM_RELAY_<NAME> (the flag wins), and the sinks from a
// YAML file. Everything is validated at start, so a mistake is one clear message before any
// event moves. Secrets (webhook signing keys) never come from the command line or the YAML text:
// the file names an environment variable or a file that holds them.
#pragma once

#include "event.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace workitem::relay {

using std::chrono::milliseconds;

// Which events a sink takes; empty lists take every type and every tenant.
struct Filter {
    std::vector<std::string> types{};
    std::vector<std::string> tenants{};
    bool accepts(const RelayEvent& event) const;
};

// Per event: capped exponential backoff with full jitter, and a dead letter after max_attempts
// failures charged to it (docs/relay.md, Retries and dead letters).
struct RetrySettings {
    int max_attempts{10};
    milliseconds initial_backoff{200};
    milliseconds max_backoff{30000};
    milliseconds max_retry_after{300000};  // a longer Retry-After is cut to this
};

// Per sink (breaker.hpp): open after consecutive_failures failures in a row, or when at least
// failure_rate of the last `window` calls failed (once min_calls were made); half-open after
// open_for, when one trial call decides.
struct BreakerSettings {
    int consecutive_failures{5};
    double failure_rate{0.5};
    int window{20};
    int min_calls{10};
    milliseconds open_for{5000};
};

struct WebhookSettings {
    std::string url{};
    // Signing secrets, newest first; several during a rotation (each signs, space-separated).
    std::vector<std::string> secrets{};
    milliseconds timeout{10000};
    milliseconds connect_timeout{3000};
    std::vector<std::pair<std::string, std::string>> headers{};
    // Requests in flight at once, each for a different item (waves.hpp); 1: one at a time.
    int concurrency{16};
};

// NATS JetStream (nats_sink.hpp): each event published to `subject` ("{type}" in it is replaced
// by the event's type) and acknowledged by the stream that stores it.
struct NatsSettings {
    std::string url{};
    std::string subject{"workitem.events.{type}"};
    std::string stream{};  // created (file storage) if missing; empty: it must exist
    milliseconds timeout{5000};
};

// Kafka (kafka_sink.hpp): librdkafka's idempotent producer; key = the item id, the event id and
// type in headers, the topic from a pattern ("{aggregatetype}": Debezium's outbox router names
// topics outbox.event.<aggregatetype>).
struct KafkaSettings {
    std::string brokers{};  // bootstrap.servers
    std::string topic{"outbox.event.{aggregatetype}"};
    milliseconds timeout{30000};  // message.timeout.ms: the longest wait for the acknowledgement
};

struct SinkConfig {
    std::string name{};
    std::string type{};  // "stdout", "webhook", "nats", "kafka"
    Filter filter{};
    RetrySettings retry{};
    BreakerSettings breaker{};
    WebhookSettings webhook{};
    NatsSettings nats{};
    KafkaSettings kafka{};
};

struct Settings {
    std::string config_file{};
    std::string dsn{};     // empty: WORKITEM_DSN, then libpq's environment (as the SDK reads it)
    std::string tenant{};  // empty: all-tenants consumers (workitem_service)
    std::string consumer_prefix{"relay."};
    int batch_size{500};
    int idle_wait_ms{500};
    // After a batch smaller than batch_size, wait this long before the next one, so that the
    // events of many commits make one batch: fewer round trips per event for the database,
    // at most this much more latency. 0: take the next batch at once.
    int linger_ms{0};
    bool wake_on_notify{true};
    // Take batches only while holding the sink's cursor lock (cursor_lock.hpp): a second relay
    // of the same sinks waits on standby.
    bool cursor_lock{true};
    std::string metrics_address{"127.0.0.1"};
    int metrics_port{-1};  // -1: no metrics endpoint; 0: any free port (logged at start)
    int shutdown_timeout_ms{10000};
    std::string log_level{"info"};
};

struct Config {
    Settings settings{};
    std::vector<SinkConfig> sinks{};
};

// A configuration that cannot run: what() lists every problem, one a line.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The largest configuration file read, and the most sinks it may list.
inline constexpr std::size_t max_config_bytes = 1024 * 1024;
inline constexpr std::size_t max_sinks = 64;

// Parses the YAML text of the sinks file (the settings come from flags); secrets are read from
// the variables and files it names. Throws ConfigError listing every problem.
std::vector<SinkConfig> parse_sinks(const std::string& yaml_text);

// Every problem of the process settings, one sentence each; empty when they can run.
std::vector<std::string> validate(const Settings& settings);

// Reads and validates settings.config_file; throws ConfigError.
Config load(Settings settings);

// The consumer cursor a sink reads with: the prefix and the sink's name ("relay.audit").
std::string consumer_name(const Settings& settings, const SinkConfig& sink);

}  // namespace workitem::relay
