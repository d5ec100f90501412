// Every operation of domain.md §2, with the event type it writes.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace workitem::core {

enum class Operation : std::uint8_t {
    create,
    activate,
    claim,
    claim_next,
    allocate,
    start,
    stop,
    release,
    delegate,
    resolve,
    forward,
    suspend,
    resume,
    complete,
    fail,
    skip,
    cancel,
    cancel_workflow,
    expire,
    escalate,
    lease_expire,
    mark_error,
    heartbeat,
    update,
    save_output,
};

inline constexpr std::array<Operation, 25> all_operations{
    Operation::create,      Operation::activate,  Operation::claim,
    Operation::claim_next,  Operation::allocate,  Operation::start,
    Operation::stop,        Operation::release,   Operation::delegate,
    Operation::resolve,     Operation::forward,   Operation::suspend,
    Operation::resume,      Operation::complete,  Operation::fail,
    Operation::skip,        Operation::cancel,    Operation::cancel_workflow,
    Operation::expire,      Operation::escalate,  Operation::lease_expire,
    Operation::mark_error,  Operation::heartbeat, Operation::update,
    Operation::save_output,
};

std::string_view to_string(Operation op);
std::optional<Operation> parse_operation(std::string_view name);

// "workitem.<what happened>" (domain.md §8): the type of the one event an operation writes.
std::string_view event_type(Operation op);

// Operations only the timer (actor `system`) performs.
constexpr bool is_timer_only(Operation op) {
    return op == Operation::expire || op == Operation::escalate || op == Operation::lease_expire;
}

}  // namespace workitem::core
