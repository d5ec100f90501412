#include "listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <utility>

namespace workitem::gateway {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds first_backoff{100};
constexpr milliseconds longest_backoff{5000};
// How long the thread sleeps in poll() when nothing happens: it also bounds how late a
// reconnection starts after its pause.
constexpr milliseconds idle_poll{1000};

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

}  // namespace

struct WakeupListener::Connection {
    std::unique_ptr<PGconn, decltype(&PQfinish)> handle{nullptr, &PQfinish};

    // Runs one statement with text parameters (nullptr: NULL); the result, whatever it is.
    Result exec(const char* sql, const std::vector<const char*>& parameters = {}) {
        return Result(PQexecParams(handle.get(), sql, static_cast<int>(parameters.size()), nullptr,
                                   parameters.data(), nullptr, nullptr, 0),
                      &PQclear);
    }

    static bool ok(const Result& result) {
        const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    }

    bool alive() const { return handle && PQstatus(handle.get()) == CONNECTION_OK; }
};

WakeupListener::WakeupListener(std::string dsn, Deliver deliver,
                               std::function<void(const std::string&)> log_warning)
    : dsn_(std::move(dsn)),
      deliver_(std::move(deliver)),
      log_warning_(std::move(log_warning)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (dsn_.empty()) {
        if (const char* from_environment = std::getenv("WORKITEM_DSN")) dsn_ = from_environment;
    }
    thread_ = std::thread([this] { run(); });
}

WakeupListener::~WakeupListener() {
    stop();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void WakeupListener::stop() {
    std::vector<Pending> pending;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        pending.swap(pending_);
    }
    for (auto& waiting : pending) waiting.done({});
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    // Joined here, not later: a registration it is still making holds a waiter, whose timer must
    // go before the io_context it belongs to.
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void WakeupListener::listen(Registration registration, Registered done) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            pending_.push_back(Pending{std::move(registration), std::move(done)});
            const std::uint64_t one = 1;
            [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
            return;
        }
    }
    done({});
}

void WakeupListener::run() {
    for (;;) {
        std::vector<Pending> pending;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
            pending.swap(pending_);
        }
        if (!connection_ && Clock::now() >= next_attempt_) connect();
        if (!pending.empty()) register_all(std::move(pending));
        if (connection_) take_notifications();
        milliseconds timeout = idle_poll;
        if (!connection_) {
            const auto until_attempt =
                std::chrono::duration_cast<milliseconds>(next_attempt_ - Clock::now());
            timeout = std::clamp(until_attempt, milliseconds::zero(), idle_poll);
        }
        wait_for_input(timeout);
    }
    connection_.reset();
}

bool WakeupListener::connect() {
    // The process id tells an operator (and the tests) which gateway's listener a session is.
    const std::string name = "workitem-gateway-listener-" + std::to_string(::getpid());
    const char* keywords[] = {"application_name", "connect_timeout", "dbname", nullptr};
    const char* values[] = {name.c_str(), "5", dsn_.c_str(), nullptr};
    if (dsn_.empty()) keywords[2] = nullptr;  // libpq's environment alone
    auto connection = std::make_unique<Connection>();
    connection->handle.reset(PQconnectdbParams(keywords, values, 1));
    // Its own statements are short; a stuck one must not stop the wake-ups for long.
    if (!connection->alive() ||
        !Connection::ok(
            connection->exec("SELECT pg_catalog.set_config('statement_timeout', '5000', false)"))) {
        // libpq's message may quote the connection string: the log gets the fact only.
        log_warning_(
            "wake-up listener: cannot connect to the database; long polls and "
            "streams look once a second until it can");
        next_attempt_ = Clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, longest_backoff);
        return false;
    }
    // A refused registration's ERROR is answered to it; nothing goes to standard error.
    PQsetNoticeProcessor(
        connection->handle.get(), [](void*, const char*) {}, nullptr);
    connection_ = std::move(connection);
    backoff_ = first_backoff;
    return true;
}

void WakeupListener::disconnect(const std::string& why) {
    log_warning_("wake-up listener: " + why + "; connecting again");
    connection_.reset();
    next_attempt_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, longest_backoff);
}

// The registrations of one tenant and capability share a transaction (a savepoint each, so
// that one refused — a reader may not wait for work — does not take the others with it); equal
// registrations are made once.
void WakeupListener::register_all(std::vector<Pending> pending) {
    std::map<std::pair<std::string, std::string>, std::vector<Pending*>> by_caller;
    for (auto& waiting : pending) {
        by_caller[{waiting.registration.tenant, waiting.registration.on_behalf}].push_back(
            &waiting);
    }
    for (auto& [caller, group] : by_caller) {
        std::vector<std::pair<const Registration*, Channels>> made;
        const auto channels_of = [&](const Registration& registration) -> Channels* {
            for (auto& [done, channels] : made) {
                if (*done == registration) return &channels;
            }
            return nullptr;
        };
        bool committed = false;
        if (connection_ && Connection::ok(connection_->exec("BEGIN"))) {
            std::vector<const char*> settings{caller.first.c_str()};
            std::string sql = "SELECT pg_catalog.set_config('workitem.tenant', $1, true)";
            if (!caller.second.empty()) {
                sql += ", pg_catalog.set_config('workitem.on_behalf', $2, true)";
                settings.push_back(caller.second.c_str());
            }
            bool fine = Connection::ok(connection_->exec(sql.c_str(), settings));
            for (auto* waiting : group) {
                const Registration& registration = waiting->registration;
                if (!fine || channels_of(registration) != nullptr) continue;
                Channels channels;
                connection_->exec("SAVEPOINT wake_up");
                const bool work = registration.kind == Registration::Kind::work;
                const auto result =
                    work ? connection_->exec(
                               "SELECT pg_catalog.unnest(workitem_await_work(actor => $1, "
                               "queue => $2))",
                               {registration.actor.c_str(),
                                registration.queue ? registration.queue->c_str() : nullptr})
                         : connection_->exec("SELECT workitem_await_events(consumer => $1)",
                                             {registration.consumer.c_str()});
                if (Connection::ok(result)) {
                    for (int row = 0; row < PQntuples(result.get()); ++row) {
                        channels.emplace_back(PQgetvalue(result.get(), row, 0));
                    }
                    fine = Connection::ok(connection_->exec("RELEASE SAVEPOINT wake_up"));
                } else {
                    fine = Connection::ok(connection_->exec("ROLLBACK TO SAVEPOINT wake_up"));
                }
                made.emplace_back(&registration, std::move(channels));
            }
            committed = fine && Connection::ok(connection_->exec("COMMIT"));
            if (!committed && connection_->alive()) connection_->exec("ROLLBACK");
        }
        if (connection_ && !connection_->alive()) disconnect("the connection was lost");
        for (auto* waiting : group) {
            const Channels* channels = committed ? channels_of(waiting->registration) : nullptr;
            waiting->done(channels ? *channels : Channels{});
        }
    }
}

void WakeupListener::wait_for_input(milliseconds timeout) {
    pollfd descriptors[2] = {{wake_fd_, POLLIN, 0}, {-1, POLLIN, 0}};
    if (connection_) descriptors[1].fd = PQsocket(connection_->handle.get());
    const int ready = ::poll(descriptors, 2, static_cast<int>(timeout.count()));
    if (ready <= 0) return;
    if (descriptors[0].revents != 0) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
    }
    if (connection_ && descriptors[1].revents != 0) {
        if (!PQconsumeInput(connection_->handle.get())) {
            return disconnect("the connection was lost");
        }
        take_notifications();
    }
}

void WakeupListener::take_notifications() {
    while (PGnotify* notification = PQnotifies(connection_->handle.get())) {
        const std::string channel = notification->relname;
        PQfreemem(notification);
        deliver_(channel);
    }
}

}  // namespace workitem::gateway
