// What a caller asks for: one struct per operation, with the SQL function's defaults, meant for
// designated initializers: client.claim(id, {.actor = "ann", .expected_version = 3}).
// Every mutation takes an actor, an optional expected_version (the optimistic lock) and an
// optional idempotency_key (a retry with the same key replays the first outcome).
// Every struct orders its fields the same way, which designated initializers must follow:
// actor first, then the operation's own fields, then expected_version, idempotency_key and
// lease_seconds (tests/client/designated_order_test.cpp keeps it so).
#pragma once

#include <workitem/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem {

// Who may take an item and how it is placed (domain.md §3). Empty parts are left out.
struct Assignment {
    std::vector<std::string> users{};   // potential owners
    std::vector<std::string> groups{};  // potential owners, through the directory's groups
    std::vector<std::string> excluded_users{};
    std::vector<std::string> excluded_groups{};
    std::vector<std::string> administrator_users{};
    std::vector<std::string> administrator_groups{};
    std::string strategy{};  // "offer" (default), "direct", "round_robin", ... or a custom one
    std::vector<std::string> four_eyes_with{};  // task names whose completers may not take it
    std::string retain_familiar{};  // the step whose completer gets it (strategy retain_familiar)
    std::optional<int> lease_seconds{};
    std::optional<int> max_lease_expiries{};
    // A complete assignment document sent as it is; when set, every field above must be empty.
    std::string json{};
};

struct CreateCommand {
    std::optional<std::string> actor{};  // the initiator; default: the login role
    std::string workflow_id{};
    std::string task_name{};
    Assignment assignment{};
    std::optional<std::string> input{};  // JSON
    int priority{0};
    std::optional<std::string> queue{};
    std::optional<Timestamp> due_at{};
    std::optional<Timestamp> activate_at{};
    std::optional<Timestamp> expires_at{};
    bool skippable{false};
    std::optional<std::string> step_ref{};  // (workflow_id, step_ref) names one item for ever
    std::optional<std::string> run_id{};
    std::optional<Timestamp> follow_up_at{};
    // What the timer does when (docs/domain.md §5): a JSON array of deadlines {"at" or "after",
    // "action", ...}.
    std::optional<std::string> deadlines{};
    std::optional<std::string> idempotency_key{};
};

struct CreateManyOptions {
    std::optional<std::string> actor{};
    std::optional<std::string> idempotency_key{};  // covers the whole call
};

// Reads: a service may read as a given user (what that user may see).
struct ReadOptions {
    std::optional<std::string> actor{};
};

// Filters of list and count (count ignores the sort and paging fields). The business-data
// filters are docs/search.md's: JSON documents and SQL/JSON paths given as text.
struct ListFilter {
    std::optional<std::string> actor{};  // read as this user
    std::optional<State> state{};
    std::optional<std::string> queue{};
    std::optional<std::string> task_name{};
    std::optional<std::string> workflow_id{};
    std::optional<std::string> owner{};
    std::optional<std::string> potential_owner{};
    std::optional<Timestamp> due_before{};  // exclusive
    std::optional<Timestamp> due_after{};   // inclusive
    std::optional<int> min_priority{};
    std::optional<std::string> input_contains{};   // JSON the input contains (@>)
    std::optional<std::string> input_path{};       // SQL/JSON path predicate on the input
    std::optional<std::string> fields{};           // JSON comparisons on declared fields
    std::optional<std::string> output_contains{};  // JSON the output contains
    std::optional<std::string> output_path{};      // SQL/JSON path predicate on the output
    // id (default), created, priority, due or field:<declared field>.
    std::optional<std::string> sort{};
    bool descending{false};
    std::optional<std::int64_t> after_id{};  // keyset paging: the last id of the previous page
    // ... and, when sorted by something else than id, that row's sort value as text.
    std::optional<std::string> after_key{};
    int page_size{100};
};

// The after_key that continues a list sorted by `sort` after this row (docs/search.md, Sorting
// and paging): its created, priority or due as text, or its value of the declared field
// (field:<path>) in its input; nullopt when sorted by id or the row has no such value.
WORKITEM_API std::optional<std::string> after_key_of(const Item& last, std::string_view sort);

struct WorklistOptions {
    std::optional<std::string> queue{};
    std::optional<std::string> input_contains{};  // as in ListFilter
    std::optional<std::string> input_path{};
    std::optional<std::string> fields{};
    int page_size{100};
};

// start, stop, release, resolve, resume, skip.
struct ActOptions {
    std::string actor{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct ClaimOptions {
    std::string actor{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
    std::optional<int> lease_seconds{};
};

struct ClaimNextOptions {
    std::string actor{};
    std::optional<std::string> queue{};
    std::optional<std::string> task_name{};
    std::optional<std::string> idempotency_key{};
    std::optional<int> lease_seconds{};
};

// One held item's outcome, for acknowledge_and_claim_next: complete the item with `output`, or,
// when `fault` is set, fail it with that fault (JSON texts).
struct Outcome {
    std::int64_t id{};
    std::optional<std::string> output{};
    std::optional<std::string> fault{};
    std::optional<std::int64_t> expected_version{};
};

struct AllocateOptions {
    std::string actor{};
    std::string to_user{};
    bool override{false};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct DelegateOptions {
    std::string actor{};
    std::string to_user{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct ForwardOptions {
    std::string actor{};
    Assignment assignment{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct SuspendOptions {
    std::string actor{};
    std::optional<Timestamp> until{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct CompleteOptions {
    std::string actor{};
    std::optional<std::string> output{};  // JSON; none keeps a saved draft
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

// fail and mark_error.
struct FaultOptions {
    std::string actor{};
    std::optional<std::string> fault{};  // JSON
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct CancelOptions {
    std::string actor{};
    std::optional<std::string> reason{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct HeartbeatOptions {
    std::string actor{};
    std::optional<int> lease_seconds{};
};

// The attributes given change; the others stay as they are.
struct UpdateOptions {
    std::string actor{};
    std::optional<int> priority{};
    std::optional<Timestamp> due_at{};
    std::optional<Timestamp> follow_up_at{};
    std::optional<std::string> input{};  // JSON
    std::optional<Assignment> assignment{};
    std::optional<Timestamp> expires_at{};
    std::optional<std::string> deadlines{};  // JSON; replaces the whole list ("[]" clears it)
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct SaveOutputOptions {
    std::string actor{};
    std::string output{};  // JSON
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
};

struct CancelWorkflowOptions {
    std::string actor{};
    std::optional<std::string> reason{};
    std::optional<std::string> idempotency_key{};
};

// A directory user as the application knows them; groups is the full list of memberships.
struct PutUserCommand {
    std::string user_id{};
    std::vector<std::string> groups{};
    std::optional<int> capacity{};  // most active items held at once; none: no limit
    bool available{true};
    std::optional<Timestamp> away_until{};
};

// list_users: keyset-paged in user_id order; group_id: only its members.
struct UserListOptions {
    std::optional<std::string> group_id{};
    std::optional<std::string> after{};  // the last user_id of the previous page
    int page_size{100};
};

// list_groups: keyset-paged in group_id order.
struct GroupListOptions {
    std::optional<std::string> after{};  // the last group_id of the previous page
    int page_size{100};
};

// The expected version of each id of a batch, in the order of the ids (none: unchecked).
using ExpectedVersions = std::vector<std::optional<std::int64_t>>;

}  // namespace workitem
