// Reading an item row (as the glue's own SELECT lists it) into plain data, and turning that
// plain data into the core's view of an item.
#pragma once

#include <optional>

#include "workitem/core/item.hpp"
#include "workitem/core/time.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// The select list every item-locking query uses, in the order read_item_row() expects.
// $3 in the surrounding query is the actor, whose directory groups come along.
#define WORKITEM_ITEM_SELECT_LIST                                                              \
    "i.id, i.version, i.state::text, i.owner, i.delegated_from, i.delegation_state::text, "    \
    "i.created_by, i.lease_expired_owner, i.candidates, i.excluded, i.administrators, "        \
    "coalesce(i.assignment->>'strategy', 'offer'), i.skippable, i.activate_at, i.expires_at, " \
    "i.lease_until, i.lease_seconds, i.lease_expiries, i.resume_to::text, i.suspended_until, " \
    "i.escalation_level, "                                                                     \
    "ARRAY(SELECT m.group_id FROM workitem.group_member m "                                    \
    "      WHERE m.tenant_id = i.tenant_id AND m.user_id = $3 ORDER BY 1), "                   \
    "i.workflow_id, i.task_name, "                                                             \
    "ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(i.assignment #> "           \
    "      '{constraints,four_eyes_with}') = 'array' "                                         \
    "      THEN i.assignment #> '{constraints,four_eyes_with}' END)), "                        \
    "(SELECT d.capacity FROM workitem.directory_user d "                                       \
    "  WHERE d.tenant_id = i.tenant_id AND d.user_id = $3), "                                  \
    "i.queue "

// How many columns WORKITEM_ITEM_SELECT_LIST has: a query may return more after them.
constexpr int item_select_columns = 27;

struct TextList {
    int count;
    const char** items;
};

struct OptionalTime {
    bool present;
    TimestampTz value;
};

// Plain data: palloc'd strings, no destructors (safe on the PG side of the boundary).
struct ItemRow {
    int64 id;
    int64 version;
    const char* state;
    const char* owner;
    const char* delegated_from;
    const char* delegation_state;
    const char* created_by;
    const char* lease_expired_owner;
    TextList candidates;      // "u:<user>" / "g:<group>" potential owners
    TextList excluded;        // same form
    TextList administrators;  // same form
    const char* strategy;
    bool skippable;
    OptionalTime activate_at;
    OptionalTime expires_at;
    OptionalTime lease_until;
    bool has_lease_seconds;
    int32 lease_seconds;
    int32 lease_expiries;
    const char* resume_to;
    OptionalTime suspended_until;
    int32 escalation_level;
    TextList actor_groups;
    const char* workflow_id;
    const char* task_name;
    TextList four_eyes_with;  // task names whose completers may not take this item
    bool actor_has_capacity;  // the actor's directory entry sets a capacity
    const char* queue;        // nullptr: none (the lease defaults are per queue or task)
};

// Reads row `row` of the last SPI result (a WORKITEM_ITEM_SELECT_LIST query).
ItemRow read_item_row(uint64 row);

// Inside the boundary: the core's view of the row. Views point into `row`.
core::Item to_core_item(const ItemRow& row);

core::Timestamp to_core_time(
    TimestampTz time);  // saturates: +-infinity is outside the core's range
TimestampTz to_pg_time(core::Timestamp time);
core::Timestamp core_now();  // the transaction's timestamp, as now() in SQL

}  // namespace workitem::pg
