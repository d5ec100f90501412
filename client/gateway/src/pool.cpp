#include "pool.hpp"

#include <boost/asio/post.hpp>

namespace workitem::gateway {

namespace {

workitem::ClientOptions client_options(const PoolSettings& settings) {
    workitem::ClientOptions options;
    options.dsn = settings.dsn;
    options.pool_size = settings.size;
    options.acquire_timeout = settings.acquire_timeout;
    options.statement_timeout = settings.statement_timeout;
    options.application_name = "workitem-gateway";
    options.logger = settings.logger;
    // The tenant and on_behalf are the caller's, set per call (DatabasePool::as, ::transaction):
    // none is set for the whole client.
    return options;
}

}  // namespace

DatabasePool::DatabasePool(const PoolSettings& settings)
    : client_(client_options(settings)),
      acquire_timeout_(settings.acquire_timeout),
      size_(settings.size),
      threads_(static_cast<std::size_t>(settings.size)),
      waited_(settings.waited) {}

DatabasePool::~DatabasePool() {
    join();
}

void DatabasePool::join() {
    threads_.join();
}

void DatabasePool::submit(std::function<void(Admission)> work) {
    const auto queued_at = std::chrono::steady_clock::now();
    ++waiting_;
    boost::asio::post(threads_, [this, queued_at, work = std::move(work)] {
        --waiting_;
        const auto waited = std::chrono::steady_clock::now() - queued_at;
        if (waited_) waited_(waited);
        const bool late = waited > acquire_timeout_;
        ++in_use_;
        try {
            work(late ? Admission::too_late : Admission::in_time);
        } catch (...) {
            // work answers its own errors; nothing may escape into the thread pool.
        }
        --in_use_;
    });
}

bool DatabasePool::database_answers() {
    try {
        client_.exec("SELECT 1");
        return true;
    } catch (const workitem::Error&) {
        return false;
    }
}

PoolGauges DatabasePool::gauges() const {
    const auto stats = client_.pool_stats();
    return PoolGauges{.size = size_,
                      .in_use = in_use_.load(),
                      .waiting = waiting_.load() + stats.waiting,
                      .open = stats.open};
}

}  // namespace workitem::gateway
