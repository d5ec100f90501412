// The wake-up of idle workers and event consumers (docs/events.md, "Wake-ups"): a connection of
// its own that registers what it waits for (workitem_await_work / workitem_await_events, which
// LISTEN on the channels of the registration) and waits for a notification. A registration wakes
// once, so it is made again before each look that may come up empty: register, look, wait. Best
// effort: when it cannot connect, register or drops, waiting falls back to sleeping, and it
// connects again on the next registration.
#pragma once

#include "connection.hpp"
#include "log.hpp"
#include "statement.hpp"

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>

namespace workitem::detail {

// Sleeps up to `timeout`, in slices so that a stop request ends it soon.
void sleep_unless_stopped(std::chrono::milliseconds timeout, const std::stop_token& stop);

// The registrations: workitem_await_work(actor, queue) for a worker, and
// workitem_await_events(consumer) for an event consumer (tests/client/sql_coverage_test.cpp
// compares their parameters with the installed functions').
const CallText& await_work_text();
const CallText& await_events_text();

// What a listener registers: one of the calls above, in the client's tenant and on_behalf
// capability.
struct Registration {
    const CallText* text;
    std::vector<Parameter> parameters;
    std::string tenant{};
    std::string on_behalf{};
};

class Listener {
  public:
    // `who` names the listener in log lines ("event consumer", "worker").
    Listener(ConnectSettings settings, Log log, std::string who, Registration registration);
    ~Listener();

    // Registers the wait, unless it is registered and no wait returned since: call it before
    // each look (claim, next batch), so that whatever commits after it wakes the next wait.
    void arm();

    // Waits up to `timeout` for a notification, in slices so that a stop request ends it soon.
    // Returns early when one came; then (and after the timeout) the next arm() registers again.
    void wait(std::chrono::milliseconds timeout, const std::stop_token& stop);

  private:
    bool connected();

    ConnectSettings settings_;
    Log log_;
    std::string who_;
    Registration registration_;
    std::unique_ptr<Connection> connection_;
    bool armed_{false};
    bool given_up_{false};  // the server refused the registration: poll from now on
};

}  // namespace workitem::detail
