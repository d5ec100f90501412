// An item's deadline list (domain.md §5): what the timer does when, as the caller wrote it on
// create or update, and how one due entry becomes an ordinary transition by the actor `system`.
//
// As written: [{"at": "<timestamp>" | "after": "<interval>" | <seconds>, "action": "escalate" |
// "reoffer" | "allocate_admin" | "notify" | "expire", ...}]. Per action:
//   escalate:       "raise_priority": n (default 1) - priority goes up by n;
//   reoffer:        "to": {"users": [...], "groups": [...]} - required: the new potential owners,
//                   the item is offered to them (whoever held it loses it);
//   allocate_admin: "to_user": "<user>" (default: the first administrator of the item);
//   notify:         nothing more - only the workitem.escalated event;
//   expire:         the item expires.
// Any entry may carry "message" (a string recorded in the event's reason).
// Stored: the same entries with every time as "at" in UTC (microseconds, ISO 8601), and
// "fired_at" once the timer has run it. Each firing raises escalation_level by one.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workitem/core/change.hpp"
#include "workitem/core/command.hpp"
#include "workitem/core/item.hpp"
#include "workitem/core/limits.hpp"
#include "workitem/core/result.hpp"
#include "workitem/core/validators.hpp"

namespace workitem::core {

enum class DeadlineAction : std::uint8_t { escalate, reoffer, allocate_admin, notify, expire };

std::string_view to_string(DeadlineAction action);
std::optional<DeadlineAction> parse_deadline_action(std::string_view name);

inline constexpr std::size_t max_deadlines = 100;

// When one entry fires, as the caller wrote it: the glue turns the text into a time (PostgreSQL
// reads timestamps and intervals in every form it knows).
struct DeadlineWhen {
    std::optional<std::string> at;        // a timestamp
    std::optional<std::string> after;     // an interval from now
    std::optional<double> after_seconds;  // seconds from now
};

// Checks a deadline list as written (WI422 names the entry and field) and returns when each
// entry fires, in list order.
Result<std::vector<DeadlineWhen>> read_deadlines(std::string_view json, const Limits& limits);

// The list to store: every entry as written, its time as "at" (from `at`, one per entry).
Result<std::string> stored_deadlines(std::string_view json, std::span<const Timestamp> at);

// "2026-11-26T17:00:00.250000Z": the form of every stored time.
std::string format_stored_time(Timestamp t);

// One due entry of a stored list, ready to run.
struct DeadlineStep {
    std::size_t index = 0;
    DeadlineAction action = DeadlineAction::notify;
    std::int32_t raise_priority = 1;
    std::string reoffer_assignment;      // reoffer: {"potential_owners": <to>}
    std::optional<std::string> to_user;  // allocate_admin, when named
    std::string reason;                  // recorded in the event
    std::string fired_list;              // the stored list with this entry marked fired
};

// Reads entry `index` of a stored list and marks it fired at `now`.
Result<DeadlineStep> take_deadline(std::string_view stored, std::size_t index, Timestamp now);

// What the timer writes for a step: the transition of its action (validated like any other,
// by the actor `system`), escalation_level + 1, and the operation the event records
// (escalate, or expire for the expire action).
struct DeadlineDecision {
    Change change;
    Operation recorded_as = Operation::escalate;
    std::optional<std::int32_t> priority;  // escalate: the raised priority
};

// `priority` is the item's current priority; `admin` the user allocate_admin hands it to
// (the step's to_user, or one the glue found among the item's administrators).
Result<DeadlineDecision> decide_deadline(const DeadlineStep& step, const Item& item,
                                         std::int32_t priority,
                                         std::optional<std::string_view> admin,
                                         const ConstraintFacts& facts, Timestamp now);

// Whether `actor` may set the deadline list `json` on an item whose people are `people` (on
// create: those of the assignment being created). The timer runs an action later, but as if
// the setter did it then, so the setter must be allowed to do it: reoffer (takes the item from
// whoever holds it and offers it to others, a forward) and allocate_admin (an allocation) are
// an administrator's, so they need an administrator of the item, a service or the tenant's
// administrator (WI403 naming the entry); escalate (as raising the priority), notify and expire
// (as setting expires_at) are allowed to whoever may create or update the item. `item_id` 0:
// a create.
Status authorize_deadlines(std::string_view json, const People& people, const Actor& actor,
                           std::int64_t item_id);

// The actor every timer action is done by.
Actor timer_actor();

}  // namespace workitem::core
