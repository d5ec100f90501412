// The waiters of the parked requests (long polls, worklist streams) and the listener that wakes
// them (client/gateway/DESIGN.md, "Long poll and SSE without holding a connection"). A waiter is an
// Asio timer on its own strand of the server's io_context — never a thread, never a database
// connection: it registers what it waits for on the listener, its owner looks (a pooled connection,
// for that call only), and it sleeps until a notification on one of the registration's channels, a
// deadline, or the shutdown. A notification wakes every waiter of its channel (keys share 4096
// slots: a wrong wake-up costs a look). Their number is bounded (max-waiters: 503 beyond).
#pragma once

#include "listener.hpp"
#include "request_log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace workitem::gateway {

struct WaitSettings {
    std::chrono::milliseconds max_wait{60000};      // the longest ?wait= (longer is 400)
    int max_waiters{1000};                          // long polls and streams together
    std::chrono::milliseconds poll_interval{5000};  // a stream looks at least this often
    std::chrono::milliseconds keep_alive{15000};    // a stream's comment line
};

enum class WaiterKind { long_poll, stream };

class Wakeups;

class Waiter : public std::enable_shared_from_this<Waiter> {
  public:
    using Clock = std::chrono::steady_clock;
    using Next = std::function<void()>;

    Waiter(Wakeups& wakeups, WaiterKind kind, boost::asio::any_io_executor executor);
    ~Waiter();
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;

    // Registers (the listener commits it), then calls next on the strand. Forgets earlier
    // notifications: call it before each look.
    void arm(const Registration& registration, Next next);
    // The same from a database thread, blocking until registered (at most 2 s): before the
    // first look, made by the route's handler.
    void arm_now(const Registration& registration);
    // Calls next on the strand once a notification came since the last arm, the server stops,
    // or at `until`, whichever is first.
    void sleep(Clock::time_point until, Next next);
    // Calls next on the strand after `pause`, notifications or not (the server's stop ends it).
    void pause(std::chrono::milliseconds pause, Next next);

    // Whether a notification came since the last arm.
    bool notified() const { return notified_.load(); }
    bool stopping() const;
    WaiterKind kind() const { return kind_; }
    // Posts work on the waiter's strand.
    void post(Next next);
    // Ends a sleep as a notification does (from any thread): the owner has news of its own.
    void notify();

  private:
    friend class Wakeups;
    void subscribe(Channels channels);
    void start_timer(Clock::time_point until, bool wakes_early, Next next);

    Wakeups& wakeups_;
    WaiterKind kind_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::steady_timer timer_;
    std::atomic<bool> notified_{false};
    bool wakes_early_{false};  // on the strand: whether a notification ends the timer's wait
};

class Wakeups {
  public:
    Wakeups(std::string dsn, WaitSettings settings, Log& log);
    ~Wakeups();

    // The io_context whose strands and timers the waiters use; before the first request.
    void attach(boost::asio::any_io_executor executor) { executor_ = std::move(executor); }

    // The shutdown: every waiter wakes (a long poll answers what it has), the listener stops and
    // no notification is delivered any more. Later calls do nothing.
    void stop();
    bool stopping() const { return stopping_.load(); }

    // A new waiter, or nullptr when max_waiters are waiting already (or when stopping, or
    // before attach).
    std::shared_ptr<Waiter> waiter(WaiterKind kind);

    const WaitSettings& settings() const { return settings_; }
    int waiting(WaiterKind kind) const;
    // Notifications received from the database since the start (workitem_wakeups_total).
    unsigned long long received() const { return received_.load(); }

  private:
    friend class Waiter;
    void deliver(const std::string& channel);
    void subscribe(Waiter* waiter, const Channels& channels);
    void forget(Waiter* waiter);

    WaitSettings settings_;
    Log& log_;
    boost::asio::any_io_executor executor_;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned long long> received_{0};
    mutable std::mutex mutex_;
    std::set<Waiter*> waiters_;
    std::map<std::string, std::set<Waiter*>> by_channel_;
    std::map<Waiter*, Channels> channels_of_;
    WakeupListener listener_;  // last: its thread delivers into the members above
};

}  // namespace workitem::gateway
