// How a Client connects, retries and reports: everything has a default that suits a service.
#pragma once

#include <workitem/export.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace workitem {

enum class LogLevel { debug, info, warning, error };
WORKITEM_API std::string_view to_string(LogLevel level);

// Called from whichever thread made the call; must be thread-safe and must not throw.
using Logger = std::function<void(LogLevel level, std::string_view message)>;

// Capped exponential backoff with full jitter: before attempt n+1 the client sleeps a random
// time in [0, min(max_backoff, initial_backoff * 2^(n-1))].
struct RetryPolicy {
    int max_attempts{4};  // 1: never retry
    std::chrono::milliseconds initial_backoff{50};
    std::chrono::milliseconds max_backoff{2000};
};

// After failure_threshold connection failures in a row, calls fail at once (circuit_open) for
// open_for; then one trial call decides whether the circuit closes again.
struct CircuitBreakerOptions {
    int failure_threshold{5};
    std::chrono::milliseconds open_for{5000};
};

enum class StatementMode {
    unnamed,  // one round trip per call with unnamed statements: works through pgbouncer
              // in transaction pooling mode (the default)
    prepared  // named prepared statements, prepared once per connection
};

struct ClientOptions {
    // A libpq connection string or URI. Empty: the environment variable WORKITEM_DSN (as the
    // CLI reads it), and when that is unset or empty, libpq's environment (PGHOST, PGPORT,
    // PGUSER, PGDATABASE, PGPASSWORD, PGSERVICE, ...).
    std::string dsn{};
    int pool_size{4};
    // The tenant every call acts in (set per transaction); empty: the role's default.
    std::string tenant{};
    // The capability of the end user a service acts for (docs/security.md): "user", "admin" or
    // "reader", set per transaction as workitem.on_behalf. Empty: the service's full rights.
    // Client::on_behalf(capability) overrides it for some calls.
    std::string on_behalf{};
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds connect_timeout{5000};
    // Per call: past it the client cancels the statement (error kind timeout). 0: no limit.
    std::chrono::milliseconds statement_timeout{30000};
    // A pooled connection idle for at least this long is checked before it is handed out:
    // anything readable on its socket means the server closed it, and it is replaced. One used
    // more recently is handed out unchecked (HikariCP's alive-bypass window): under load the
    // check's system call would be paid by every call, for a connection that just answered.
    // 0: check before every use.
    std::chrono::milliseconds liveness_check_after_idle{500};
    // A pooled connection idle for longer is pinged (SELECT 1) before it is handed out.
    std::chrono::milliseconds health_check_after_idle{30000};
    RetryPolicy retry{};
    CircuitBreakerOptions circuit_breaker{};
    StatementMode statement_mode{StatementMode::unnamed};
    // Give every mutation that has no idempotency key one of its own, so that it may be sent
    // again after the connection dropped mid-call (a retried claim_next returns the same item).
    bool generate_idempotency_keys{false};
    std::string application_name{"workitem-client"};
    Logger logger{};
};

enum class IsolationLevel { read_committed, repeatable_read, serializable };

struct TransactionOptions {
    IsolationLevel isolation{IsolationLevel::read_committed};
    // Overrides ClientOptions::on_behalf for this transaction ("" : the service's full rights).
    std::optional<std::string> on_behalf{};
};

// A fresh random idempotency key ("wi-" and 32 hex digits).
WORKITEM_API std::string generate_idempotency_key();

}  // namespace workitem
