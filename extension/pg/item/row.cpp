#include <cstring>

#include "item/row.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {
// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
constexpr int64 pg_epoch_offset_micros =
    int64{POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE} * SECS_PER_DAY * USECS_PER_SEC;

enum Column : int {
    id = 1,
    version,
    state,
    owner,
    delegated_from,
    delegation_state,
    created_by,
    lease_expired_owner,
    candidates,
    excluded,
    administrators,
    strategy,
    skippable,
    activate_at,
    expires_at,
    lease_until,
    lease_seconds,
    lease_expiries,
    resume_to,
    suspended_until,
    escalation_level,
    actor_groups,
    workflow_id,
    task_name,
    four_eyes_with,
    actor_capacity,
    queue,
};
static_assert(queue == item_select_columns, "WORKITEM_ITEM_SELECT_LIST's columns");

struct Reader {
    HeapTuple tuple;

    Datum value(Column c, bool* is_null) const { return spi::column(tuple, c, is_null); }
    const char* as_text(Column c) const {
        bool is_null = false;
        Datum v = value(c, &is_null);
        return is_null ? nullptr : TextDatumGetCString(v);
    }
    int64 as_int64(Column c) const {
        bool is_null = false;
        Datum v = value(c, &is_null);
        return is_null ? 0 : DatumGetInt64(v);
    }
    int32 as_int32(Column c, bool* present = nullptr) const {
        bool is_null = false;
        Datum v = value(c, &is_null);
        if (present != nullptr) *present = !is_null;
        return is_null ? 0 : DatumGetInt32(v);
    }
    OptionalTime as_time(Column c) const {
        bool is_null = false;
        Datum v = value(c, &is_null);
        return OptionalTime{!is_null, is_null ? 0 : DatumGetTimestampTz(v)};
    }
    TextList as_texts(Column c) const {
        bool is_null = false;
        Datum v = value(c, &is_null);
        if (is_null) return TextList{0, nullptr};
        Datum* elements = nullptr;
        bool* element_nulls = nullptr;
        int count = 0;
        deconstruct_array(DatumGetArrayTypeP(v), TEXTOID, -1, false, TYPALIGN_INT, &elements,
                          &element_nulls, &count);
        auto** items = static_cast<const char**>(palloc(sizeof(char*) * (count + 1)));
        int kept = 0;
        for (int i = 0; i < count; ++i) {
            if (!element_nulls[i]) items[kept++] = TextDatumGetCString(elements[i]);
        }
        return TextList{kept, items};
    }
};

void add_principals(const TextList& list, core::Principals& into) {
    for (int i = 0; i < list.count; ++i) {
        std::string_view entry = list.items[i];
        if (entry.size() < 2 || entry[1] != ':') continue;
        (entry[0] == 'u' ? into.users : into.groups).push_back(entry.substr(2));
    }
}

std::optional<core::Timestamp> optional_time(const OptionalTime& t) {
    if (!t.present) return std::nullopt;
    return to_core_time(t.value);
}

std::optional<std::string_view> optional_text(const char* text) {
    if (text == nullptr) return std::nullopt;
    return std::string_view{text};
}
}  // namespace

core::Timestamp to_core_time(TimestampTz time) {
    // +-infinity and the last years of PostgreSQL's range do not fit microseconds since 1970:
    // they saturate, outside the core's range of times (core::check_time refuses them), instead
    // of wrapping around to a time that looks valid (infinity once meant "now").
    if (time > PG_INT64_MAX - pg_epoch_offset_micros) {
        return core::from_unix_micros(PG_INT64_MAX);
    }
    return core::from_unix_micros(time + pg_epoch_offset_micros);
}

TimestampTz to_pg_time(core::Timestamp time) {
    return core::to_unix_micros(time) - pg_epoch_offset_micros;
}

core::Timestamp core_now() {
    return to_core_time(GetCurrentTransactionStartTimestamp());
}

ItemRow read_item_row(uint64 row_number) {
    const Reader r{SPI_tuptable->vals[row_number]};
    ItemRow row{};
    row.id = r.as_int64(id);
    row.version = r.as_int64(version);
    row.state = r.as_text(state);
    row.owner = r.as_text(owner);
    row.delegated_from = r.as_text(delegated_from);
    row.delegation_state = r.as_text(delegation_state);
    row.created_by = r.as_text(created_by);
    row.lease_expired_owner = r.as_text(lease_expired_owner);
    row.candidates = r.as_texts(candidates);
    row.excluded = r.as_texts(excluded);
    row.administrators = r.as_texts(administrators);
    row.strategy = r.as_text(strategy);
    bool is_null = false;
    row.skippable = DatumGetBool(r.value(skippable, &is_null)) && !is_null;
    row.activate_at = r.as_time(activate_at);
    row.expires_at = r.as_time(expires_at);
    row.lease_until = r.as_time(lease_until);
    row.lease_seconds = r.as_int32(lease_seconds, &row.has_lease_seconds);
    row.lease_expiries = r.as_int32(lease_expiries);
    row.resume_to = r.as_text(resume_to);
    row.suspended_until = r.as_time(suspended_until);
    row.escalation_level = r.as_int32(escalation_level);
    row.actor_groups = r.as_texts(actor_groups);
    row.workflow_id = r.as_text(workflow_id);
    row.task_name = r.as_text(task_name);
    row.four_eyes_with = r.as_texts(four_eyes_with);
    r.as_int32(actor_capacity, &row.actor_has_capacity);
    row.queue = r.as_text(queue);
    return row;
}

core::Item to_core_item(const ItemRow& row) {
    core::Item item;
    item.id = row.id;
    item.version = row.version;
    item.state = core::parse_state(row.state).value_or(core::State::error);
    item.owner = optional_text(row.owner);
    item.delegated_from = optional_text(row.delegated_from);
    item.delegation_state =
        core::parse_delegation_state(row.delegation_state ? row.delegation_state : "none")
            .value_or(core::DelegationState::none);
    item.created_by = optional_text(row.created_by);
    item.lease_expired_owner = optional_text(row.lease_expired_owner);
    add_principals(row.candidates, item.people.potential_owners);
    add_principals(row.excluded, item.people.excluded_owners);
    add_principals(row.administrators, item.people.administrators);
    item.strategy = row.strategy ? row.strategy : "offer";
    item.skippable = row.skippable;
    item.activate_at = optional_time(row.activate_at);
    item.expires_at = optional_time(row.expires_at);
    item.lease_until = optional_time(row.lease_until);
    if (row.has_lease_seconds) item.lease_seconds = row.lease_seconds;
    item.lease_expiries = row.lease_expiries;
    if (row.resume_to) item.resume_to = core::parse_state(row.resume_to);
    item.suspended_until = optional_time(row.suspended_until);
    item.escalation_level = row.escalation_level;
    return item;
}

}  // namespace workitem::pg
