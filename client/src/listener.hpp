// The wake-up of event consumers: a connection of its own that LISTENs to workitem_events.
// Best effort: when it cannot connect or drops, waiting falls back to sleeping, and it connects
// again on the next wait.
#pragma once

#include "connection.hpp"
#include "log.hpp"

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>

namespace workitem::detail {

// Sleeps up to `timeout`, in slices so that a stop request ends it soon.
void sleep_unless_stopped(std::chrono::milliseconds timeout, const std::stop_token& stop);

class Listener {
  public:
    // `who` names the listener in log lines ("event consumer", "worker").
    Listener(ConnectSettings settings, Log log, std::string who = "event consumer");
    ~Listener();

    // Waits up to `timeout` for a notification, in slices so that a stop request ends it soon.
    void wait(std::chrono::milliseconds timeout, const std::stop_token& stop);

  private:
    bool connected();

    ConnectSettings settings_;
    Log log_;
    std::string who_;
    std::unique_ptr<Connection> connection_;
};

}  // namespace workitem::detail
