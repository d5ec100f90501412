// Small builders and printers shared by the core's unit tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "workitem/core/decide.hpp"
#include "workitem/core/distribution.hpp"
#include "workitem/core/errors.hpp"
#include "workitem/core/item.hpp"
#include "workitem/core/operation.hpp"
#include "workitem/core/people.hpp"
#include "workitem/core/state.hpp"
#include "workitem/core/state_machine.hpp"
#include "workitem/core/time.hpp"
#include "workitem/core/validators.hpp"

// Readable gtest output for the core's enums (found by ADL).
namespace workitem::core {
inline void PrintTo(State state, std::ostream* os) {
    *os << to_string(state);
}
inline void PrintTo(Operation op, std::ostream* os) {
    *os << to_string(op);
}
inline void PrintTo(DelegationState state, std::ostream* os) {
    *os << to_string(state);
}
inline void PrintTo(ErrorCode code, std::ostream* os) {
    *os << sqlstate(code);
}
inline void PrintTo(const Timestamp& t, std::ostream* os) {
    *os << format_timestamp(t) << " (" << to_unix_micros(t) << "us)";
}
}  // namespace workitem::core

namespace workitem::test {

using namespace workitem::core;

// A fixed "now" (2026-05-28T20:26:40Z), so every time in a test is relative to it.
inline constexpr Timestamp kNow{Microseconds{1'780'000'000'000'000}};

inline Timestamp in_seconds(std::int64_t seconds) {
    return kNow + std::chrono::seconds{seconds};
}
inline Timestamp seconds_ago(std::int64_t seconds) {
    return kNow - std::chrono::seconds{seconds};
}

// "ok", or the SQLSTATE of the refusal: EXPECT_EQ(code_of(r), "WI409") prints both sides.
template <class T>
std::string code_of(const Result<T>& result) {
    if (result.has_value()) return "ok";
    return std::string(sqlstate(result.error().code));
}

// The refusal's message, or "" on success.
template <class T>
std::string message_of(const Result<T>& result) {
    return result.has_value() ? std::string() : result.error().message;
}

// The people of a typical item: ann and bob (and members of `approvers`) may take it,
// eve may never take it, `admin` (and members of `ops`) administer it; `init` created it.
inline People typical_people() {
    People people;
    people.potential_owners.users = {"ann", "bob"};
    people.potential_owners.groups = {"approvers"};
    people.excluded_owners.users = {"eve"};
    people.excluded_owners.groups = {"blocked"};
    people.administrators.users = {"admin"};
    people.administrators.groups = {"ops"};
    return people;
}

inline Item make_item(State state) {
    Item item;
    item.id = 42;
    item.version = 7;
    item.state = state;
    item.created_by = "init";
    item.people = typical_people();
    return item;
}

// An item in `state` (allocated or started, or suspended from one of them) held by `owner`.
inline Item held_item(State state, std::string_view owner = "ann") {
    Item item = make_item(state);
    item.owner = owner;
    return item;
}

inline Actor user(std::string_view id, std::vector<std::string_view> groups = {}) {
    Actor actor;
    actor.id = id;
    actor.groups = std::move(groups);
    return actor;
}

inline Actor timer() {
    Actor actor;
    actor.id = system_actor;
    actor.is_system = true;
    return actor;
}

inline Actor service(std::string_view id = "gateway-user") {
    Actor actor = user(id);
    actor.acts_as_service = true;
    return actor;
}

inline Actor tenant_admin(std::string_view id = "boss") {
    Actor actor = user(id);
    actor.is_tenant_admin = true;
    return actor;
}

inline Command command(Operation op) {
    Command c;
    c.op = op;
    return c;
}

inline Command give(Operation op, std::string_view to_user, bool override_owner = false) {
    Command c = command(op);
    c.to_user = to_user;
    c.override_owner = override_owner;
    return c;
}

inline bool contains(const std::vector<Operation>& ops, Operation op) {
    for (Operation o : ops) {
        if (o == op) return true;
    }
    return false;
}

inline std::vector<Operation> ops(std::initializer_list<Operation> list) {
    return std::vector<Operation>(list);
}

}  // namespace workitem::test
