#include "pool.hpp"

#include <algorithm>

namespace workitem::detail {

using Clock = std::chrono::steady_clock;

namespace {
// Only compared, never dereferenced: the connection may be gone since.
thread_local const Connection* last_used_here = nullptr;
}  // namespace

Pool::Pool(PoolSettings settings, const Log& log) : settings_(std::move(settings)), log_(log) {
    if (settings_.size < 1)
        throw_error(ErrorKind::invalid_argument, "pool_size must be at least 1");
    // A malformed connection string fails here, once, rather than as a retried connect failure.
    inspect_connection_string(settings_.connect.dsn);
}

Pool::Lease::~Lease() {
    if (pool_ && connection_) pool_->give_back(std::move(connection_));
}

Pool::Lease Pool::acquire() {
    std::unique_lock lock(mutex_);
    ++waiting_;
    const bool free = freed_.wait_for(lock, settings_.acquire_timeout,
                                      [this] { return !idle_.empty() || open_ < settings_.size; });
    --waiting_;
    if (!free) {
        throw_error(ErrorKind::pool_timeout,
                    fmt::format("no database connection became free within {} ms (all {} in use)",
                                settings_.acquire_timeout.count(), settings_.size));
    }
    if (idle_.empty()) {
        ++open_;
        lock.unlock();
        return Lease(*this, open_in_reserved_slot());
    }
    // The connection this thread used last, if it is idle: its backend and its socket's buffers
    // are still warm from this thread's previous call.
    auto chosen = std::find_if(idle_.begin(), idle_.end(),
                               [](const auto& idle) { return idle.get() == last_used_here; });
    if (chosen == idle_.end()) chosen = idle_.end() - 1;
    auto connection = std::move(*chosen);
    *chosen = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    if (healthy(*connection)) return Lease(*this, std::move(connection));
    log_(LogLevel::info, "replacing a pooled connection that failed its health check");
    connection.reset();
    return Lease(*this, open_in_reserved_slot());
}

// Opens a connection for a slot already counted in open_; frees the slot if that fails.
std::unique_ptr<Connection> Pool::open_in_reserved_slot() {
    try {
        return std::make_unique<Connection>(settings_.connect);
    } catch (...) {
        {
            std::lock_guard lock(mutex_);
            --open_;
        }
        freed_.notify_one();
        throw;
    }
}

bool Pool::healthy(Connection& connection) const {
    const auto idle = Clock::now() - connection.last_used();
    if (idle < settings_.liveness_check_after_idle) return connection.reusable();
    if (!connection.usable()) return false;
    if (idle < settings_.health_check_after_idle) return true;
    return connection.ping(settings_.connect.connect_timeout);
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
    last_used_here = connection.get();
    const bool keep = connection->reusable();
    if (!keep) connection.reset();  // close it outside the lock
    {
        std::lock_guard lock(mutex_);
        if (keep) {
            idle_.push_back(std::move(connection));
        } else {
            --open_;
        }
    }
    freed_.notify_one();
}

PoolStats Pool::stats() const {
    std::lock_guard lock(mutex_);
    return PoolStats{.size = settings_.size,
                     .open = open_,
                     .idle = static_cast<int>(idle_.size()),
                     .waiting = waiting_};
}

}  // namespace workitem::detail
