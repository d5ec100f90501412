// What a caller asks for: one operation on one item, or a create.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "workitem/core/operation.hpp"
#include "workitem/core/time.hpp"

namespace workitem::core {

// Lease expiries before an item goes to error: the default of workitem.max_lease_expiries.
inline constexpr std::int32_t default_max_lease_expiries = 3;

// An operation on an existing item. Only the fields the operation uses are read.
struct Command {
    Operation op = Operation::claim;
    std::optional<std::int64_t> expected_version;
    std::optional<std::string_view> to_user;    // allocate, delegate
    bool override_owner = false;                // allocate over an existing owner
    std::optional<std::int32_t> lease_seconds;  // claim, claim_next, start, heartbeat
    // claim_next, heartbeat: the lease a worker's claim takes when neither the caller nor the item
    // (its assignment) names one - the queue's or task's default, else the database's setting (the
    // glue resolves which). Not stored as the item's lease_seconds: a later claim by a person
    // holds as the assignment says (docs/domain.md §5).
    std::optional<std::int32_t> default_lease_seconds;
    std::optional<Timestamp> until;              // suspend
    std::optional<std::size_t> payload_bytes;    // output / fault / input carried by the call
    std::optional<std::string_view> assignment;  // forward (required), update (optional): JSON text
    std::optional<std::string_view> reason;      // cancel
    std::optional<Timestamp> expires_at;         // update
    std::optional<Timestamp> due_at;             // update: checked for range only
    std::optional<Timestamp> follow_up_at;       // update: checked for range only
    std::optional<std::string_view> deadlines;   // update: the new list (JSON text)
    // lease_expire: after this many, the item errors (the glue passes the assignment's or the
    // setting's; the setting's default is this one)
    std::int32_t max_lease_expiries = default_max_lease_expiries;
};

struct CreateCommand {
    std::string_view workflow_id;
    std::string_view task_name;
    std::optional<std::string_view> run_id;
    std::optional<std::string_view> step_ref;
    std::optional<std::string_view> queue;
    std::string_view assignment = "{}";  // JSON text of the assignment spec
    std::optional<std::size_t> input_bytes;
    std::int32_t priority = 0;
    std::optional<Timestamp> due_at;
    std::optional<Timestamp> activate_at;
    std::optional<Timestamp> expires_at;
    std::optional<Timestamp> follow_up_at;
    std::optional<std::string_view> deadlines;  // JSON text of the deadline list
    bool skippable = false;
};

}  // namespace workitem::core
