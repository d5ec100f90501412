// A fixed-size, thread-safe pool of connections: opened on demand, checked before they are lent
// unless used moments ago, replaced when broken, and never waited for longer than the acquire
// timeout. A thread gets back the connection it used last when that one is idle.
#pragma once

#include "connection.hpp"
#include "log.hpp"

#include <workitem/client.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace workitem::detail {

struct PoolSettings {
    ConnectSettings connect;
    int size;
    std::chrono::milliseconds acquire_timeout;
    std::chrono::milliseconds liveness_check_after_idle;
    std::chrono::milliseconds health_check_after_idle;
};

class Pool {
  public:
    // A connection lent to one caller; it goes back to the pool (or is closed, when it is no
    // longer fit for reuse) when the lease ends.
    class Lease {
      public:
        Lease(Pool& pool, std::unique_ptr<Connection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;
        ~Lease();

        Connection& operator*() const { return *connection_; }
        Connection* operator->() const { return connection_.get(); }

      private:
        Pool* pool_;
        std::unique_ptr<Connection> connection_;
    };

    Pool(PoolSettings settings, const Log& log);

    // Throws Error(pool_timeout) when no connection is free in time, Error(connection_lost)
    // when a new one cannot be opened.
    Lease acquire();
    PoolStats stats() const;

  private:
    void give_back(std::unique_ptr<Connection> connection);
    bool healthy(Connection& connection) const;
    std::unique_ptr<Connection> open_in_reserved_slot();

    const PoolSettings settings_;
    const Log& log_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_{0};  // idle, lent, or being opened
    int waiting_{0};
};

}  // namespace workitem::detail
