// What a decided operation writes. Trivially destructible, so it can leave the C++ boundary
// and be used by glue code that may longjmp; string views point into the command or the item.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "workitem/core/item.hpp"
#include "workitem/core/state.hpp"
#include "workitem/core/time.hpp"

namespace workitem::core {

// One column assignment: not set, set to a value, or set to NULL.
template <class T>
struct Assign {
    bool set = false;
    std::optional<T> value;

    static Assign to(T v) { return Assign{true, std::move(v)}; }
    static Assign null() { return Assign{true, std::nullopt}; }
};

struct Change {
    State state = State::created;
    bool bumps_version = true;  // heartbeat alone neither bumps the version
    bool writes_event = true;   // nor writes an event
    Assign<std::string_view> owner;
    Assign<std::string_view> delegated_from;
    std::optional<DelegationState> delegation_state;
    Assign<std::string_view> lease_expired_owner;
    Assign<Timestamp> lease_until;
    Assign<std::int32_t> lease_seconds;
    std::optional<std::int32_t> lease_expiries;
    Assign<State> resume_to;
    Assign<Timestamp> suspended_until;
    std::optional<std::int32_t> escalation_level;
    Assign<Timestamp> completed_at;
    // Bodies and attributes the glue copies from the call's own arguments.
    bool writes_output = false;      // complete, save_output
    bool writes_fault = false;       // fail, mark_error
    bool writes_assignment = false;  // forward, update (when given)
    bool writes_attributes = false;  // update: priority, due/follow-up/expiry times, input
};

static_assert(std::is_trivially_destructible_v<Change>);

}  // namespace workitem::core
