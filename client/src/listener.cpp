#include "listener.hpp"

#include <algorithm>
#include <thread>

namespace workitem::detail {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a wait looks at its stop token.
constexpr milliseconds stop_check_interval{100};
constexpr milliseconds listen_timeout{5000};

}  // namespace

void sleep_unless_stopped(milliseconds timeout, const std::stop_token& stop) {
    const auto until = Clock::now() + timeout;
    while (!stop.stop_requested()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        if (left <= milliseconds::zero()) return;
        std::this_thread::sleep_for(std::min(left, stop_check_interval));
    }
}

Listener::Listener(ConnectSettings settings, Log log, std::string who)
    : settings_(std::move(settings)), log_(std::move(log)), who_(std::move(who)) {
    connected();  // LISTEN before the first poll, so no commit after it goes unnoticed
}

Listener::~Listener() = default;

bool Listener::connected() {
    if (connection_ && connection_->reusable()) return true;
    connection_.reset();
    try {
        auto connection = std::make_unique<Connection>(settings_);
        connection->execute_text("LISTEN workitem_events", {}, listen_timeout);
        connection_ = std::move(connection);
        return true;
    } catch (const Error& error) {
        log_(LogLevel::warning, "{}: cannot LISTEN workitem_events ({}); polling", who_,
             error.what());
        return false;
    }
}

void Listener::wait(milliseconds timeout, const std::stop_token& stop) {
    if (!connected()) {
        sleep_unless_stopped(timeout, stop);
        return;
    }
    const auto until = Clock::now() + timeout;
    while (!stop.stop_requested()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        if (left <= milliseconds::zero()) return;
        const auto slice = std::min(left, stop_check_interval);
        try {
            if (connection_->wait_for_notification(slice)) return;
        } catch (const Error& error) {
            log_(LogLevel::warning, "{}: the LISTEN connection dropped ({})", who_, error.what());
            connection_.reset();
            std::this_thread::sleep_for(slice);
            return;  // poll now: events may have committed while it was down
        }
    }
}

}  // namespace workitem::detail
