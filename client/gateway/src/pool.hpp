// The database side of the gateway: one libworkitem Client (its bounded connection pool,
// retries and circuit breaker) and as many threads as it has connections, which run the
// blocking calls so that the HTTP threads never wait for the database. A request that cannot
// start within the acquisition timeout is answered 503 with Retry-After instead of queueing
// without end.
#pragma once

#include "auth.hpp"

#include <workitem/client.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace workitem::gateway {

struct PoolSettings {
    std::string dsn;
    int size{4};
    std::chrono::milliseconds acquire_timeout{2000};
    std::chrono::milliseconds statement_timeout{30000};
    workitem::Logger logger{};
    // Told, for each request given to submit, how long it waited for a database thread (and so
    // for a connection: there are as many threads as connections).
    std::function<void(std::chrono::steady_clock::duration)> waited{};
};

struct PoolGauges {
    int size{};
    int in_use{};   // requests running a database call now
    int waiting{};  // requests waiting for a connection
    int open{};     // connections open (idle or lent)
};

enum class Admission { in_time, too_late };

class DatabasePool {
  public:
    explicit DatabasePool(const PoolSettings& settings);
    ~DatabasePool();  // waits for the calls under way (join)

    // Waits for every call submitted to finish: after the HTTP server stopped, before it is
    // destroyed, since a finishing call posts its answer to the server's io_context.
    void join();
    DatabasePool(const DatabasePool&) = delete;
    DatabasePool& operator=(const DatabasePool&) = delete;

    // Runs work(admission) on a database thread, or, when none took it within the acquisition
    // timeout, on the timer thread with too_late: work should then answer 503 without calling
    // the database.
    void submit(std::function<void(Admission)> work);

    // The SDK's operations as the caller, for a route that makes one call: each call is one
    // round trip, which sets workitem.tenant, workitem.on_behalf (the capability; nothing for a
    // service key) and workitem.trace_context (the traceparent; empty: none) with
    // set_config(…, true) in a pipeline before the call, in the call's own transaction
    // (docs/security.md, "A service acting for an end user"). The actor is the caller's
    // subject, passed by the route. Use it from work given to submit.
    workitem::Scoped as(const Identity& caller) {
        return client_.scoped({.tenant = caller.tenant,
                               .on_behalf = caller.on_behalf(),
                               .trace_context = caller.trace_context});
    }

    // Runs fn(tx) in one transaction that declares the caller as `as` does, for a route that
    // runs several statements together (BEGIN, the settings, fn's statements, COMMIT).
    template <class Fn>
    auto transaction(const Identity& caller, Fn&& fn) {
        workitem::TransactionOptions options;
        // All three settings in the statement below: none for the SDK to set before it.
        options.on_behalf = "";
        return client_.in_transaction(options, [&](workitem::Tx& tx) {
            tx.exec(
                "SELECT pg_catalog.set_config('workitem.tenant', $1, true), "
                "pg_catalog.set_config('workitem.on_behalf', $2, true), "
                "pg_catalog.set_config('workitem.trace_context', $3, true)",
                caller.tenant, caller.on_behalf(), caller.trace_context);
            return fn(tx);
        });
    }

    // Whether a pooled connection answers SELECT 1 now (from work given to submit).
    bool database_answers();

    PoolGauges gauges() const;
    std::chrono::milliseconds acquire_timeout() const { return acquire_timeout_; }

  private:
    void run(const std::function<void(Admission)>& work, Admission admission,
             std::chrono::steady_clock::time_point queued_at);

    workitem::Client client_;
    std::chrono::milliseconds acquire_timeout_;
    int size_;
    boost::asio::thread_pool threads_;
    boost::asio::thread_pool timers_{1};  // the acquisition timeouts of queued requests
    std::atomic<int> in_use_{0};
    std::atomic<int> waiting_{0};
    std::function<void(std::chrono::steady_clock::duration)> waited_;
};

}  // namespace workitem::gateway
