#include "pool.hpp"

#include <boost/asio/post.hpp>

#include <memory>

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
    timers_.join();  // after the calls: each posts its timer's cancellation there
}

void DatabasePool::submit(std::function<void(Admission)> work) {
    // Whichever comes first runs the work: a database thread (in time), or the timer at the
    // acquisition timeout (too late: answered 503 at once, even while every database thread is
    // held by a slow call, instead of when one comes free).
    struct Queued {
        std::function<void(Admission)> work;
        std::chrono::steady_clock::time_point queued_at;
        boost::asio::steady_timer timer;
        std::atomic<bool> taken{false};
    };
    auto queued = std::make_shared<Queued>(std::move(work), std::chrono::steady_clock::now(),
                                           boost::asio::steady_timer(timers_, acquire_timeout_));
    ++waiting_;
    queued->timer.async_wait([this, queued](const boost::system::error_code& error) {
        if (error || queued->taken.exchange(true)) return;
        run(queued->work, Admission::too_late, queued->queued_at);
    });
    boost::asio::post(threads_, [this, queued] {
        if (queued->taken.exchange(true)) return;  // the timer answered it
        // The timer belongs to the timer thread: cancelled there, never from here.
        boost::asio::post(timers_, [queued] { queued->timer.cancel(); });
        run(queued->work, Admission::in_time, queued->queued_at);
    });
}

void DatabasePool::run(const std::function<void(Admission)>& work, Admission admission,
                       std::chrono::steady_clock::time_point queued_at) {
    --waiting_;
    if (waited_) waited_(std::chrono::steady_clock::now() - queued_at);
    ++in_use_;
    try {
        work(admission);
    } catch (...) {
        // work answers its own errors; nothing may escape into the thread pool.
    }
    --in_use_;
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
