// The columns a decided change may write, and one change's values for them: shared by the
// one-row UPDATE (item/update.cpp) and the set-based one of a batch (item/update_many.cpp).
#pragma once

#include "workitem/core/change.hpp"

#include "item/row.hpp"
#include "runtime/pg.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

struct TransitionCall;

struct UpdatableColumn {
    const char* name;
    Oid type;
    const char* cast;  // appended to the parameter, for enums
    // Put before the parameter: the old value the new one is merged into. A new assignment
    // replaces the keys it names and keeps the others (administrators, excluded owners...), so
    // forward and update can name just the new potential owners.
    const char* merged_into = "";
};

enum ColumnIndex : int {
    c_state,
    c_owner,
    c_delegated_from,
    c_delegation_state,
    c_lease_expired_owner,
    c_lease_until,
    c_lease_seconds,
    c_lease_expiries,
    c_resume_to,
    c_suspended_until,
    c_escalation_level,
    c_completed_at,
    c_output,
    c_fault,
    c_assignment,
    c_priority,
    c_due_at,
    c_follow_up_at,
    c_expires_at,
    c_input,
    c_deadlines,
    column_count,
};

inline constexpr UpdatableColumn columns[column_count] = {
    {"state", TEXTOID, "::workitem.state"},
    {"owner", TEXTOID, ""},
    {"delegated_from", TEXTOID, ""},
    {"delegation_state", TEXTOID, "::workitem.delegation_state"},
    {"lease_expired_owner", TEXTOID, ""},
    {"lease_until", TIMESTAMPTZOID, ""},
    {"lease_seconds", INT4OID, ""},
    {"lease_expiries", INT4OID, ""},
    {"resume_to", TEXTOID, "::workitem.state"},
    {"suspended_until", TIMESTAMPTZOID, ""},
    {"escalation_level", INT4OID, ""},
    {"completed_at", TIMESTAMPTZOID, ""},
    {"output", JSONBOID, ""},
    {"fault", JSONBOID, ""},
    {"assignment", JSONBOID, "", "i.assignment || "},
    {"priority", INT4OID, ""},
    {"due_at", TIMESTAMPTZOID, ""},
    {"follow_up_at", TIMESTAMPTZOID, ""},
    {"expires_at", TIMESTAMPTZOID, ""},
    {"input", JSONBOID, ""},
    {"deadlines", JSONBOID, ""},
};
static_assert(column_count <= 32, "the column set is a 32-bit mask");
static_assert(column_count + 3 <= spi::max_parameters, "id, the columns and the row guard");

// The values of one UPDATE, in column order; `mask` says which columns are set.
struct UpdateValues {
    uint32 mask;
    bool bumps_version;
    Datum values[column_count];
    bool nulls[column_count];

    void set(ColumnIndex c, Datum value) {
        mask |= 1u << c;
        values[c] = value;
        nulls[c] = false;
    }
    void set_null(ColumnIndex c) {
        mask |= 1u << c;
        nulls[c] = true;
    }
    void text(ColumnIndex c, const core::Assign<std::string_view>& a) {
        if (!a.set) return;
        if (!a.value) return set_null(c);
        set(c, PointerGetDatum(
                   cstring_to_text_with_len(a.value->data(), static_cast<int>(a.value->size()))));
    }
    void time(ColumnIndex c, const core::Assign<core::Timestamp>& a) {
        if (!a.set) return;
        if (!a.value) return set_null(c);
        set(c, TimestampTzGetDatum(to_pg_time(*a.value)));
    }
    void int4(ColumnIndex c, const core::Assign<std::int32_t>& a) {
        if (!a.set) return;
        if (!a.value) return set_null(c);
        set(c, Int32GetDatum(*a.value));
    }
    void label(ColumnIndex c, std::string_view label) {
        set(c, PointerGetDatum(
                   cstring_to_text_with_len(label.data(), static_cast<int>(label.size()))));
    }
};

// The values `change` writes for `call` (its documents and attributes where the change says).
UpdateValues values_of(const core::Change& change, const TransitionCall& call);

}  // namespace workitem::pg
