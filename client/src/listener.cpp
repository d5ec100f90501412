#include "listener.hpp"

#include <algorithm>
#include <thread>

namespace workitem::detail {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a wait looks at its stop token.
constexpr milliseconds stop_check_interval{100};
constexpr milliseconds register_timeout{5000};

// Errors of the connection or the moment: the next arm() tries again. Anything else (an old
// extension without the function, no shared memory for the wake-ups, a refusal) will not change.
bool passing(const Error& error) {
    switch (error.family()) {
        case ErrorFamily::transient:
        case ErrorFamily::connection_lost:
        case ErrorFamily::in_doubt:
            return true;
        case ErrorFamily::unavailable:
            return error.kind() != ErrorKind::feature_disabled;
        default:
            return false;
    }
}

}  // namespace

const CallText& await_work_text() {
    static const CallText text{.function = "workitem_await_work",
                               .name = "workitem_await_work",
                               .sql = "SELECT workitem_await_work(actor => $1, queue => $2)",
                               .replay = Replay::safe,
                               .key_parameter = -1,
                               .parameter_names = {"actor", "queue"}};
    return text;
}

const CallText& await_events_text() {
    static const CallText text{.function = "workitem_await_events",
                               .name = "workitem_await_events",
                               .sql = "SELECT workitem_await_events(consumer => $1)",
                               .replay = Replay::safe,
                               .key_parameter = -1,
                               .parameter_names = {"consumer"}};
    return text;
}

void sleep_unless_stopped(milliseconds timeout, const std::stop_token& stop) {
    const auto until = Clock::now() + timeout;
    while (!stop.stop_requested()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        if (left <= milliseconds::zero()) return;
        std::this_thread::sleep_for(std::min(left, stop_check_interval));
    }
}

Listener::Listener(ConnectSettings settings, Log log, std::string who, Registration registration)
    : settings_(std::move(settings)),
      log_(std::move(log)),
      who_(std::move(who)),
      registration_(std::move(registration)) {}

Listener::~Listener() = default;

bool Listener::connected() {
    if (connection_ && connection_->reusable()) return true;
    connection_.reset();
    try {
        connection_ = std::make_unique<Connection>(settings_);
        return true;
    } catch (const Error& error) {
        log_(LogLevel::warning, "{}: cannot connect to wait for wake-ups ({}); polling", who_,
             error.what());
        return false;
    }
}

void Listener::arm() {
    if (given_up_ || armed_ || !connected()) return;
    try {
        // Notifications of an earlier registration would end the next wait for nothing.
        connection_->wait_for_notification(milliseconds::zero());
        const Statement call{.text = *registration_.text, .parameters = registration_.parameters};
        connection_->execute(
            call,
            CallSettings{.tenant = registration_.tenant, .on_behalf = registration_.on_behalf},
            StatementMode::unnamed, register_timeout);
        armed_ = true;
    } catch (const Error& error) {
        if (passing(error)) {
            log_(LogLevel::warning, "{}: cannot register for wake-ups ({}); polling", who_,
                 error.what());
            connection_.reset();
            return;
        }
        log_(LogLevel::warning, "{}: {} refused ({}); polling from now on", who_,
             registration_.text->function, error.what());
        given_up_ = true;
        connection_.reset();
    }
}

void Listener::wait(milliseconds timeout, const std::stop_token& stop) {
    if (!armed_ || !connection_) {
        sleep_unless_stopped(timeout, stop);
        return;
    }
    armed_ = false;  // whatever ends this wait, the next look registers again
    const auto until = Clock::now() + timeout;
    while (!stop.stop_requested()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        if (left <= milliseconds::zero()) return;
        const auto slice = std::min(left, stop_check_interval);
        try {
            if (connection_->wait_for_notification(slice)) return;
        } catch (const Error& error) {
            log_(LogLevel::warning, "{}: the wake-up connection dropped ({})", who_, error.what());
            connection_.reset();
            std::this_thread::sleep_for(slice);
            return;  // look now: work may have committed while it was down
        }
    }
}

}  // namespace workitem::detail
