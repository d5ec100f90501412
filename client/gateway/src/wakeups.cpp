#include "wakeups.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <future>
#include <vector>

namespace workitem::gateway {

namespace net = boost::asio;

namespace {
// How long the handler's first registration may take before its look goes ahead without it (a
// look a second then stands in for the wake-up).
constexpr std::chrono::seconds first_registration_timeout{2};
}  // namespace

Waiter::Waiter(Wakeups& wakeups, WaiterKind kind, net::any_io_executor executor)
    : wakeups_(wakeups), kind_(kind), strand_(net::make_strand(executor)), timer_(strand_) {}

Waiter::~Waiter() {
    wakeups_.forget(this);
}

bool Waiter::stopping() const {
    return wakeups_.stopping();
}

void Waiter::post(Next next) {
    net::post(strand_, std::move(next));
}

void Waiter::subscribe(Channels channels) {
    wakeups_.subscribe(this, channels);
}

void Waiter::arm(const Registration& registration, Next next) {
    notified_ = false;
    subscribe({});
    wakeups_.listener_.listen(registration, [self = shared_from_this(), next](Channels channels) {
        self->subscribe(std::move(channels));
        self->post(next);
    });
}

void Waiter::arm_now(const Registration& registration) {
    notified_ = false;
    subscribe({});
    auto registered = std::make_shared<std::promise<Channels>>();
    auto channels = registered->get_future();
    wakeups_.listener_.listen(registration,
                              [registered](Channels made) { registered->set_value(made); });
    if (channels.wait_for(first_registration_timeout) == std::future_status::ready) {
        subscribe(channels.get());
    }
}

void Waiter::sleep(Clock::time_point until, Next next) {
    post([self = shared_from_this(), until, next = std::move(next)]() mutable {
        if (self->notified() || self->stopping()) return next();
        self->start_timer(until, true, std::move(next));
    });
}

void Waiter::pause(std::chrono::milliseconds pause, Next next) {
    post([self = shared_from_this(), pause, next = std::move(next)]() mutable {
        if (self->stopping()) return next();
        self->start_timer(Clock::now() + pause, false, std::move(next));
    });
}

void Waiter::start_timer(Clock::time_point until, bool wakes_early, Next next) {
    wakes_early_ = wakes_early;
    timer_.expires_at(until);
    timer_.async_wait(
        [self = shared_from_this(), next = std::move(next)](boost::system::error_code) {
            self->wakes_early_ = false;
            next();
        });
}

void Waiter::notify() {
    notified_ = true;
    post([self = shared_from_this()] {
        if (self->wakes_early_ || self->stopping()) self->timer_.cancel();
    });
}

Wakeups::Wakeups(std::string dsn, WaitSettings settings, Log& log)
    : settings_(settings),
      log_(log),
      listener_(
          std::move(dsn), [this](const std::string& channel) { deliver(channel); },
          [this](const std::string& warning) { log_.event("warning", warning); }) {}

Wakeups::~Wakeups() {
    stop();
}

void Wakeups::stop() {
    if (stopping_.exchange(true)) return;
    listener_.stop();
    std::vector<std::shared_ptr<Waiter>> waking;
    {
        std::lock_guard lock(mutex_);
        for (auto* waiter : waiters_) {
            if (auto alive = waiter->weak_from_this().lock()) waking.push_back(std::move(alive));
        }
    }
    for (const auto& waiter : waking) waiter->notify();
}

std::shared_ptr<Waiter> Wakeups::waiter(WaiterKind kind) {
    std::lock_guard lock(mutex_);
    // No io_context attached (a gateway without its server): nothing could wake a waiter.
    if (!executor_ || stopping() || static_cast<int>(waiters_.size()) >= settings_.max_waiters) {
        return nullptr;
    }
    auto waiter = std::make_shared<Waiter>(*this, kind, executor_);
    waiters_.insert(waiter.get());
    return waiter;
}

int Wakeups::waiting(WaiterKind kind) const {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const auto* waiter : waiters_) count += waiter->kind() == kind ? 1 : 0;
    return count;
}

void Wakeups::deliver(const std::string& channel) {
    ++received_;
    std::vector<std::shared_ptr<Waiter>> waking;
    {
        std::lock_guard lock(mutex_);
        if (stopping()) return;
        const auto found = by_channel_.find(channel);
        if (found == by_channel_.end()) return;
        for (auto* waiter : found->second) {
            if (auto alive = waiter->weak_from_this().lock()) waking.push_back(std::move(alive));
        }
    }
    // Outside the lock: the last reference to a waiter may go here, and its destructor locks.
    for (const auto& waiter : waking) waiter->notify();
}

void Wakeups::subscribe(Waiter* waiter, const Channels& channels) {
    std::lock_guard lock(mutex_);
    auto& current = channels_of_[waiter];
    for (const auto& channel : current) {
        auto found = by_channel_.find(channel);
        if (found == by_channel_.end()) continue;
        found->second.erase(waiter);
        if (found->second.empty()) by_channel_.erase(found);
    }
    current = channels;
    for (const auto& channel : channels) by_channel_[channel].insert(waiter);
}

void Wakeups::forget(Waiter* waiter) {
    subscribe(waiter, {});
    std::lock_guard lock(mutex_);
    channels_of_.erase(waiter);
    waiters_.erase(waiter);
}

}  // namespace workitem::gateway
