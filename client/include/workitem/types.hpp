// What the database answers: items, events, batch rows and directory rows, as plain values.
// JSON documents (assignment, input, output, fault, payload) are kept as their JSON text, so the
// caller parses them with the JSON library it already uses.
#pragma once

#include <workitem/errors.hpp>
#include <workitem/export.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
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
// The version of this libworkitem ("0.3.0"), as built: the shared library a program runs with.
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
    std::string deadlines{};  // JSON: the deadline list, every time as "at", "fired_at" once fired
    // Derived from the assignment, as "u:<user>" and "g:<group>": who may take it, who may not,
    // who administers it. Last, so that designated initializers written before them compile.
    std::vector<std::string> candidates{};
    std::vector<std::string> excluded{};
    std::vector<std::string> administrators{};
    std::optional<std::string> lease_expired_owner{};  // who last lost the lease (WI419 for them)
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
    // The outbox's and the audit's columns (docs/domain.md §8), last so that designated
    // initializers written before them still compile.
    std::string aggregatetype{"workitem"};
    std::string txid{};                       // xid8 as decimal text (unsigned 64 bits)
    std::optional<std::string> login{};       // the session's login role
    std::optional<std::string> capability{};  // what the call was authorized with
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

// What acknowledge_and_claim_next answers: one row per outcome, in the order given, then the
// items it claimed, best first.
struct AcknowledgeResult {
    std::vector<BatchResult> outcomes{};
    std::vector<Item> claimed{};
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

// One row of a QueryResult: each column's value as text (NULL as std::nullopt), and typed by
// get<T>(column): std::string, bool, any integer type, double, Timestamp, or std::optional of
// one of them (std::nullopt for NULL). A NULL read as a non-optional T, or text that T cannot
// hold, is Error(unexpected_result) naming the column. JSON stays text: parse it with your
// library, as every other JSON document of the API.
class QueryRow : public std::vector<std::optional<std::string>> {
  public:
    using std::vector<std::optional<std::string>>::vector;

    template <class T>
    T get(std::size_t column) const {
        if constexpr (is_optional<T>::value) {
            const auto& value = at(column);
            if (!value) return std::nullopt;
            return convert<typename T::value_type>(*value, column);
        } else {
            const auto& value = at(column);
            if (!value) fail(column, "is NULL");
            return convert<T>(*value, column);
        }
    }

  private:
    template <class T>
    struct is_optional : std::false_type {};
    template <class T>
    struct is_optional<std::optional<T>> : std::true_type {};

    [[noreturn]] static void fail(std::size_t column, const std::string& what) {
        throw_error(ErrorKind::unexpected_result, "column " + std::to_string(column) + " " + what);
    }

    template <class T>
    static T convert(const std::string& text, std::size_t column) {
        if constexpr (std::is_same_v<T, std::string>) {
            return text;
        } else if constexpr (std::is_same_v<T, bool>) {
            if (text == "t" || text == "true") return true;
            if (text == "f" || text == "false") return false;
            fail(column, "is not a boolean: " + text);
        } else if constexpr (std::is_same_v<T, Timestamp>) {
            return parse_timestamp(text);
        } else if constexpr (std::is_integral_v<T> || std::is_floating_point_v<T>) {
            T value{};
            const auto end = text.data() + text.size();
            const auto [stop, error] = std::from_chars(text.data(), end, value);
            if (error != std::errc{} || stop != end) {
                fail(column, "does not hold this number type: " + text);
            }
            return value;
        } else {
            static_assert(std::is_same_v<T, std::string>,
                          "get<T>: T is std::string, bool, an integer, double or Timestamp");
        }
    }
};

// The answer to Tx::exec and Client::exec: the columns and rows (see QueryRow).
struct QueryResult {
    std::vector<std::string> columns{};
    std::vector<QueryRow> rows{};
    std::int64_t affected_rows{};
};

}  // namespace workitem
