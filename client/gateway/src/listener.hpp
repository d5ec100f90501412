// The gateway's wake-up listener (client/gateway/DESIGN.md, "Long poll and SSE without holding a
// connection"): one libpq connection of its own per process, opened directly (LISTEN does not work
// through pgbouncer's transaction pooling), and one thread that owns it. It registers what waiters
// wait for — workitem_await_work(actor, queue) or workitem_await_events(consumer), in a transaction
// that declares the caller's tenant and capability, since LISTEN takes effect at commit — and
// hands every notification that arrives to `deliver`. A registration that fails (no connection,
// WI501, a capability that may not wait) answers no channel: its waiter looks once a second.
// A lost connection is opened again with a growing pause (100 ms to 5 s).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace workitem::gateway {

// What one waiter waits for, as the caller (its tenant and on_behalf capability).
struct Registration {
    enum class Kind { work, events };
    Kind kind{Kind::work};
    std::string tenant{};
    std::string on_behalf{};  // "" for a service key: its full rights
    std::string actor{};      // work: who waits (the token's subject)
    std::optional<std::string> queue{};
    std::string consumer{};  // events

    bool operator==(const Registration&) const = default;
};

using Channels = std::vector<std::string>;

class WakeupListener {
  public:
    using Deliver = std::function<void(const std::string& channel)>;
    using Registered = std::function<void(Channels)>;

    // dsn: libpq's connection string ("" : WORKITEM_DSN, then libpq's environment, as the
    // pool's); `log_warning` receives connection problems (never the connection string).
    WakeupListener(std::string dsn, Deliver deliver,
                   std::function<void(const std::string&)> log_warning);
    ~WakeupListener();  // stops and joins the thread
    WakeupListener(const WakeupListener&) = delete;
    WakeupListener& operator=(const WakeupListener&) = delete;

    // Queues a registration; `done` gets its channels (empty when it failed) on the listener's
    // thread, after the commit: from then on a commit concerning it is delivered.
    void listen(Registration registration, Registered done);

    // Ends the thread (waits for the statement under way, at most its 5 s timeout); later
    // registrations answer no channel at once.
    void stop();

  private:
    struct Pending {
        Registration registration;
        Registered done;
    };

    void run();
    bool connect();
    void register_all(std::vector<Pending> pending);
    void wait_for_input(std::chrono::milliseconds timeout);
    void take_notifications();
    void disconnect(const std::string& why);

    std::string dsn_;
    Deliver deliver_;
    std::function<void(const std::string&)> log_warning_;
    std::mutex mutex_;
    std::vector<Pending> pending_;
    bool stopping_{false};
    int wake_fd_{-1};  // an eventfd: a new registration or stop() interrupts the poll
    struct Connection;
    std::unique_ptr<Connection> connection_;  // the listener thread's only
    std::chrono::milliseconds backoff_{100};
    std::chrono::steady_clock::time_point next_attempt_{};
    std::thread thread_;
};

}  // namespace workitem::gateway
