// What the database answers: items, events, batch rows and directory rows, as plain values.
// JSON documents (assignment, input, output, fault, payload) are kept as their JSON text, so the
// caller parses them with the JSON library it already uses.
#pragma once

#include <workitem/errors.hpp>
#include <workitem/export.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem {

// A point in time with the database's precision (microseconds, UTC).
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// A clock reading in the database's precision: to_timestamp(std::chrono::system_clock::now() + 1h).
inline Timestamp to_timestamp(std::chrono::system_clock::time_point time) {
    return std::chrono::floor<std::chrono::microseconds>(time);
}

// ISO 8601 in UTC, e.g. "2024-05-01T12:34:56.250000Z" (what the client sends as parameters).
WORKITEM_API std::string format_timestamp(Timestamp time);
// The version of this libworkitem ("0.2.0"), as built: the shared library a program runs with.
WORKITEM_API std::string_view library_version() noexcept;
// Reads PostgreSQL's ISO output ("2024-05-01 14:34:56.25+02") and ISO 8601 ("...T...Z").
// Throws Error(invalid_argument) on anything else.
WORKITEM_API Timestamp parse_timestamp(std::string_view text);

enum class State {
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
    expired
};
WORKITEM_API std::string_view to_string(State state);
// The state named by a lowercase label ("offered"); std::nullopt for an unknown one.
WORKITEM_API std::optional<State> parse_state(std::string_view label);
WORKITEM_API bool is_terminal(State state);

enum class DelegationState { none, pending, resolved };
WORKITEM_API std::string_view to_string(DelegationState state);

struct Item {
    std::int64_t id{};
    std::string tenant_id{};
    std::string workflow_id{};
    std::optional<std::string> run_id{};
    std::optional<std::string> step_ref{};
    std::string task_name{};
    std::optional<std::string> queue{};
    State state{};
    int priority{};
    std::optional<std::string> owner{};
    std::int64_t version{};
    std::string assignment{};  // JSON
    std::optional<std::string> delegated_from{};
    DelegationState delegation_state{};
    std::optional<std::string> input{};   // JSON
    std::optional<std::string> output{};  // JSON
    std::optional<std::string> fault{};   // JSON
    std::optional<Timestamp> activate_at{};
    std::optional<Timestamp> due_at{};
    std::optional<Timestamp> follow_up_at{};
    std::optional<Timestamp> expires_at{};
    std::optional<Timestamp> lease_until{};
    std::optional<int> lease_seconds{};
    int lease_expiries{};
    int escalation_level{};
    bool skippable{};
    std::optional<State> resume_to{};
    std::optional<Timestamp> suspended_until{};
    std::string created_by{};
    Timestamp created_at{};
    Timestamp updated_at{};
    std::optional<Timestamp> completed_at{};
};

// One change of an item, from its history (the event log is the audit trail).
struct Event {
    std::int64_t seq{};
    std::string id{};  // uuid
    std::string tenant_id{};
    std::int64_t item_id{};       // aggregateid
    std::int64_t item_version{};  // aggregate_version
    std::string type{};           // "workitem.claimed", ...
    std::string operation{};
    std::string actor{};
    std::optional<std::string> reason{};
    std::string payload{};  // JSON
    std::optional<std::string> idempotency_key{};
    std::optional<std::string> trace_context{};
    Timestamp occurred_at{};
};

// One row of a batch form: the item as it now is, or why this id was refused.
struct BatchResult {
    std::int64_t id{};
    bool ok{};
    std::optional<ErrorKind> error{};  // set when !ok
    std::string sqlstate{};
    std::string message{};
    std::optional<Item> item{};
};

// One row of create_many, numbered from 1 in the order the commands were given.
struct CreateManyResult {
    int element{};
    bool ok{};
    std::optional<ErrorKind> error{};
    std::string sqlstate{};
    std::string message{};
    std::optional<Item> item{};
};

struct DirectoryUser {
    std::string tenant_id{};
    std::string user_id{};
    bool available{};
    std::optional<Timestamp> away_until{};
    std::optional<int> capacity{};
    Timestamp created_at{};
    Timestamp updated_at{};
    // Their groups, sorted: filled by get_user and list_users (put_user answers without them).
    std::vector<std::string> groups{};
};

// A group of the directory (it exists while it has members).
struct DirectoryGroup {
    std::string group_id{};
    std::int64_t members{};
};

struct PutUsersResult {
    int users_written{};
    int memberships{};
    int users_removed{};
};

// The answer to Tx::exec: the columns and rows as text (NULL as std::nullopt).
struct QueryResult {
    std::vector<std::string> columns{};
    std::vector<std::vector<std::optional<std::string>>> rows{};
    std::int64_t affected_rows{};
};

}  // namespace workitem
