// The eleven states of a work item (domain.md §2).
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace workitem::core {

enum class State : std::uint8_t {
    created,
    offered,
    allocated,
    started,
    suspended,
    completed,
    failed,
    error,
    cancelled,
    skipped,
    expired,
};

inline constexpr std::array<State, 11> all_states{
    State::created,   State::offered,   State::allocated, State::started,
    State::suspended, State::completed, State::failed,    State::error,
    State::cancelled, State::skipped,   State::expired,
};

// The labels of the states, in enum order: the SQL type workitem.state has the same.
inline constexpr std::array<std::string_view, 11> state_labels{
    "created", "offered", "allocated", "started", "suspended", "completed",
    "failed",  "error",   "cancelled", "skipped", "expired",
};

std::string_view to_string(State state);
std::optional<State> parse_state(std::string_view label);

constexpr bool is_terminal(State state) {
    return state >= State::completed;
}
constexpr bool is_active(State state) {
    return !is_terminal(state);
}

// A small set of states, for the "from" column of the transition table.
class StateSet {
  public:
    constexpr StateSet() = default;
    constexpr StateSet(std::initializer_list<State> states) {
        for (State s : states) bits_ |= bit(s);
    }
    constexpr void add(State s) { bits_ |= bit(s); }
    constexpr bool contains(State s) const { return (bits_ & bit(s)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }

  private:
    static constexpr std::uint16_t bit(State s) {
        return static_cast<std::uint16_t>(1u << static_cast<unsigned>(s));
    }
    std::uint16_t bits_ = 0;
};

// The active states, derived from is_active (its one definition).
inline constexpr StateSet active_states = [] {
    StateSet set;
    for (State state : all_states) {
        if (is_active(state)) set.add(state);
    }
    return set;
}();

}  // namespace workitem::core

// The active states as an SQL list, for the statements of the glue: a macro, so that a statement
// can splice it into its literal text. Derived and checked here, so it cannot drift from
// is_active (the SQL side is compared by sql/facts.sql).
#define WORKITEM_ACTIVE_STATES_SQL "('created', 'offered', 'allocated', 'started', 'suspended')"

namespace workitem::core {
// Whether `sql` is "('a', 'b', ...)" listing exactly the active states' labels in enum order.
constexpr bool is_active_states_sql(std::string_view sql) {
    std::size_t at = 0;
    const auto take = [&](std::string_view part) {
        if (sql.substr(at, part.size()) != part) return false;
        at += part.size();
        return true;
    };
    if (!take("(")) return false;
    bool first = true;
    for (State state : all_states) {
        if (!is_active(state)) continue;
        if (!first && !take(", ")) return false;
        first = false;
        if (!take("'") || !take(state_labels[static_cast<std::size_t>(state)]) || !take("'")) {
            return false;
        }
    }
    return take(")") && at == sql.size();
}
static_assert(is_active_states_sql(WORKITEM_ACTIVE_STATES_SQL));
}  // namespace workitem::core
