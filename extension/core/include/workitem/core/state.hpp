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
    constexpr bool contains(State s) const { return (bits_ & bit(s)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }

  private:
    static constexpr std::uint16_t bit(State s) {
        return static_cast<std::uint16_t>(1u << static_cast<unsigned>(s));
    }
    std::uint16_t bits_ = 0;
};

inline constexpr StateSet active_states{State::created, State::offered, State::allocated,
                                        State::started, State::suspended};

}  // namespace workitem::core
