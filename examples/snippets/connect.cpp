#include "snippets.hpp"

#include <iostream>

// snippet-begin
workitem::Client connect_to(const std::string& dsn) {
    using namespace std::chrono_literals;
    return workitem::Client({
        .dsn = dsn,  // empty: WORKITEM_DSN, else PGHOST, PGPORT, PGUSER, PGDATABASE ...
        .pool_size = 8,
        .acquire_timeout = 2s,     // waiting for a free connection longer is pool_timeout
        .statement_timeout = 10s,  // a call running longer is cancelled: timeout
        .retry = {.max_attempts = 4, .initial_backoff = 50ms, .max_backoff = 2s},
        .circuit_breaker = {.failure_threshold = 5, .open_for = 5s},
        .logger =
            [](workitem::LogLevel level, std::string_view message) {
                if (level >= workitem::LogLevel::warning)
                    std::clog << "workitem: " << message << '\n';
            },
    });
}
// snippet-end
