// The database side of the gateway: one libworkitem Client (its bounded connection pool,
// retries and circuit breaker) and as many threads as it has connections, which run the
// blocking calls so that the HTTP threads never wait for the database. A request that cannot
// start within the acquisition timeout is answered 503 with Retry-After instead of queueing
// without end.
#pragma once

#include "auth.hpp"

#include <workitem/client.hpp>

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

    // Runs work(admission) on a database thread. too_late: it waited longer than the acquisition
    // timeout; work should answer 503 without calling the database.
    void submit(std::function<void(Admission)> work);

    // Runs fn(tx) in one transaction that declares the caller exactly as docs/security.md asks
    // of a service: SET LOCAL workitem.on_behalf (the capability; nothing for a service key),
    // workitem.tenant and workitem.trace_context (the traceparent; empty: none), as parameters. The
    // actor is the caller's subject, passed by fn. Call it from work given to submit.
    template <class Fn>
    auto transaction(const Identity& caller, Fn&& fn) {
        workitem::TransactionOptions options;
        options.on_behalf = caller.on_behalf();
        return client_.in_transaction(options, [&](workitem::Tx& tx) {
            tx.exec(
                "SELECT pg_catalog.set_config('workitem.tenant', $1, true), "
                "pg_catalog.set_config('workitem.trace_context', $2, true)",
                caller.tenant, caller.trace_context);
            return fn(tx);
        });
    }

    // Whether a pooled connection answers SELECT 1 now (from work given to submit).
    bool database_answers();

    PoolGauges gauges() const;
    std::chrono::milliseconds acquire_timeout() const { return acquire_timeout_; }

  private:
    workitem::Client client_;
    std::chrono::milliseconds acquire_timeout_;
    int size_;
    boost::asio::thread_pool threads_;
    std::atomic<int> in_use_{0};
    std::atomic<int> waiting_{0};
};

}  // namespace workitem::gateway
