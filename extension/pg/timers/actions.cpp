#include <string>

#include "workitem/core/deadline.hpp"
#include "workitem/core/decide.hpp"

#include "timers/actions.hpp"

#include "runtime/boundary.hpp"
#include "events/change_context.hpp"
#include "policy/constraints.hpp"
#include "policy/custom_validators.hpp"
#include "policy/feature_flags.hpp"
#include "creation/distribution_facts.hpp"
#include "item/row.hpp"
#include "item/update.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"
#include "transition/call.hpp"

namespace workitem::pg {

namespace {

constexpr const char* timer_actor_id = "system";

// The columns every timer query reads after the item's own (WORKITEM_TIMER_COLUMNS).
enum ExtraColumn : int {
    x_tenant = item_select_columns + 1,
    x_priority,
    x_assignment,
    x_input,
    x_max_lease_expiries,
    x_deadlines,
    x_deadline_index,
    x_had_failure,
};

#define WORKITEM_TIMER_COLUMNS(DEADLINE_COLUMNS)                                                \
    "SELECT " WORKITEM_ITEM_SELECT_LIST                                                         \
    ", i.tenant_id, i.priority, i.assignment, i.input, "                                        \
    "(i.assignment->>'max_lease_expiries')::int4, " DEADLINE_COLUMNS                            \
    ", EXISTS (SELECT FROM workitem.timer_failure f WHERE f.item_id = i.id AND f.action = $3) " \
    "FROM workitem.item i "

// Due items, oldest first, skipping rows someone holds locked and items waiting for a retry;
// a timer.<action> feature flag switched off for the item's tenant (or the database) skips it:
// $4 and $5 are the flag as flag_for_all_tenants resolves it (feature_flags.hpp, the one rule).
#define WORKITEM_TIMER_QUERY(CONDITION, ORDER)                                      \
    "WHERE " CONDITION                                                              \
    " AND NOT EXISTS (SELECT FROM workitem.timer_failure f WHERE f.item_id = i.id " \
    "  AND f.action = $3 AND f.next_attempt_at > $1) "                              \
    " AND $5 <> (i.tenant_id = ANY ($4)) "                                          \
    "ORDER BY " ORDER " LIMIT $2 FOR UPDATE OF i SKIP LOCKED"

#define WORKITEM_NO_DEADLINE_COLUMNS "NULL::text, NULL::int4"

// The due entry of a deadline list: the earliest not yet fired (the first of equals).
#define WORKITEM_DUE_DEADLINE_COLUMNS                                                    \
    "i.deadlines::text, (SELECT (d.n - 1)::int4 FROM jsonb_array_elements(i.deadlines) " \
    "WITH ORDINALITY AS d(e, n) WHERE NOT d.e ? 'fired_at' "                             \
    "ORDER BY (d.e->>'at')::timestamptz, d.n LIMIT 1)"

#define WORKITEM_TIMER_STATEMENT(SQL)                                              \
    spi::Statement {                                                               \
        SQL, 5, {TIMESTAMPTZOID, INT8OID, TEXTOID, TEXTARRAYOID, BOOLOID}, nullptr \
    }

spi::Statement due_items[static_cast<int>(TimerAction::count)] = {
    WORKITEM_TIMER_STATEMENT(
        WORKITEM_TIMER_COLUMNS(WORKITEM_NO_DEADLINE_COLUMNS)
            WORKITEM_TIMER_QUERY("i.state IN " WORKITEM_ACTIVE_STATES_SQL " AND i.expires_at <= $1",
                                 "i.expires_at, i.id")),
    WORKITEM_TIMER_STATEMENT(WORKITEM_TIMER_COLUMNS(WORKITEM_NO_DEADLINE_COLUMNS)
                                 WORKITEM_TIMER_QUERY("i.state = 'created' AND i.activate_at <= $1",
                                                      "i.activate_at, i.id")),
    WORKITEM_TIMER_STATEMENT(
        WORKITEM_TIMER_COLUMNS(WORKITEM_NO_DEADLINE_COLUMNS) WORKITEM_TIMER_QUERY(
            "i.state = 'suspended' AND i.suspended_until <= $1", "i.suspended_until, i.id")),
    WORKITEM_TIMER_STATEMENT(
        WORKITEM_TIMER_COLUMNS(WORKITEM_NO_DEADLINE_COLUMNS) WORKITEM_TIMER_QUERY(
            "i.state IN ('allocated', 'started') AND i.lease_until <= $1", "i.lease_until, i.id")),
    WORKITEM_TIMER_STATEMENT(
        WORKITEM_TIMER_COLUMNS(WORKITEM_DUE_DEADLINE_COLUMNS) WORKITEM_TIMER_QUERY(
            "i.state IN " WORKITEM_ACTIVE_STATES_SQL
            " AND i.deadlines <> '[]'::jsonb AND workitem.next_deadline_at(i.deadlines) <= $1",
            "workitem.next_deadline_at(i.deadlines), i.id")),
};

constexpr const char* action_keys[] = {"expire", "activate", "resume", "lease_expire", "deadline"};
constexpr const char* action_flags[] = {"timer.expire", "timer.activate", "timer.resume",
                                        "timer.lease_expire", "timer.escalate"};
constexpr const char* outcome_names[] = {
    "activate",
    "resume",
    "lease_expire",
    "lease_expire.error",
    "expire",
    "deadline.escalate",
    "deadline.reoffer",
    "deadline.allocate_admin",
    "deadline.notify",
    "deadline.expire",
    "purge.items",
    "purge.idempotency_keys",
    "purge.event_partitions",
};
static_assert(std::size(outcome_names) == static_cast<std::size_t>(TimerOutcome::count));

spi::Statement first_administrator{
    "SELECT d.user_id FROM workitem.directory_user d WHERE d.tenant_id = $1 AND d.available "
    "AND (d.away_until IS NULL OR d.away_until <= now()) AND d.user_id <> 'system' "
    "AND ('u:' || d.user_id = ANY ($2) OR EXISTS (SELECT FROM workitem.group_member m "
    "  WHERE m.tenant_id = d.tenant_id AND m.user_id = d.user_id AND 'g:' || m.group_id = ANY "
    "($2))) "
    "ORDER BY ('u:' || d.user_id = ANY ($2)) DESC, d.user_id LIMIT 1",
    2,
    {TEXTOID, TEXTARRAYOID},
    nullptr};

spi::Statement anyone_among{
    "SELECT EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = $1 "
    "AND ('u:' || d.user_id = ANY (workitem.assignment_principals($2, 'potential_owners')) "
    "  OR EXISTS (SELECT FROM workitem.group_member m WHERE m.tenant_id = $1 "
    "    AND m.user_id = d.user_id "
    "    AND 'g:' || m.group_id = ANY (workitem.assignment_principals($2, 'potential_owners')))))",
    2,
    {TEXTOID, JSONBOID},
    nullptr};

spi::Statement upsert_failure{
    "INSERT INTO workitem.timer_failure AS f (item_id, action, attempts, sqlstate, message, "
    "  first_failed_at, last_failed_at, next_attempt_at) "
    "VALUES ($1, $2, 1, $3, $4, now(), now(), $5 + make_interval(secs => $6)) "
    "ON CONFLICT (item_id, action) DO UPDATE SET attempts = f.attempts + 1, "
    "  sqlstate = excluded.sqlstate, message = excluded.message, last_failed_at = now(), "
    "  next_attempt_at = $5 + make_interval(secs => least($6 * power(2, f.attempts), 86400))",
    6,
    {INT8OID, TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, FLOAT8OID},
    nullptr};

spi::Statement forget_failure{
    "DELETE FROM workitem.timer_failure WHERE item_id = $1 AND action = $2",
    2,
    {INT8OID, TEXTOID},
    nullptr};

int64 current_item = 0;
TimerAction current_action = TimerAction::expire;

// One due row: the item as the core reads it, and what the timer needs besides.
struct TimerRow {
    ItemRow item;
    const char* tenant;
    int32 priority;
    Jsonb* assignment;
    Jsonb* input;
    bool has_max_lease_expiries;
    int32 max_lease_expiries;
    const char* deadlines;
    int32 deadline_index;  // -1: none due
    bool had_failure;
};

TimerRow read_timer_row(uint64 r) {
    TimerRow row{};
    row.item = read_item_row(r);
    HeapTuple tuple = SPI_tuptable->vals[r];
    bool is_null = false;
    row.tenant = TextDatumGetCString(spi::column(tuple, x_tenant, &is_null));
    row.priority = DatumGetInt32(spi::column(tuple, x_priority, &is_null));
    row.assignment = DatumGetJsonbP(spi::column(tuple, x_assignment, &is_null));
    Datum input = spi::column(tuple, x_input, &is_null);
    row.input = is_null ? nullptr : DatumGetJsonbP(input);
    Datum max = spi::column(tuple, x_max_lease_expiries, &is_null);
    row.has_max_lease_expiries = !is_null;
    row.max_lease_expiries = is_null ? 0 : DatumGetInt32(max);
    Datum deadlines = spi::column(tuple, x_deadlines, &is_null);
    row.deadlines = is_null ? nullptr : TextDatumGetCString(deadlines);
    Datum index = spi::column(tuple, x_deadline_index, &is_null);
    row.deadline_index = is_null ? -1 : DatumGetInt32(index);
    row.had_failure = DatumGetBool(spi::column(tuple, x_had_failure, &is_null));
    return row;
}

// What the timer decided for one row, as plain data (refusals are data, never raised).
struct TimerDecision {
    bool ok;
    core::Change change;
    core::Operation recorded_as;
    TimerOutcome outcome;
    const char* reason;
    bool has_priority;
    int32 priority;
    int sqlerrcode;
    const char* message;
};

TimerDecision refused(TimerOutcome outcome, const core::Error& error) {
    TimerDecision d{};
    d.outcome = outcome;
    d.sqlerrcode = sqlstate_of(error.code);
    d.message = copy_to_palloc(error.message);
    return d;
}

TimerDecision decided(TimerOutcome outcome, core::Operation recorded_as, const core::Change& change,
                      const char* reason) {
    TimerDecision d{};
    d.ok = true;
    d.outcome = outcome;
    d.recorded_as = recorded_as;
    d.change = change;
    d.reason = reason;
    return d;
}

TransitionCall timer_call(core::Operation op, const TimerRow& row) {
    TransitionCall call{};
    call.operation = op;
    call.item_id = row.item.id;
    call.actor = timer_actor_id;
    return call;
}

// The transitions that need nothing but the row: expire, resume, lease_expire.
TimerDecision decide_plain(core::Operation op, TimerOutcome outcome, const TimerRow& row,
                           int32 max_lease_expiries, const char* reason, core::Timestamp now) {
    return cpp_boundary([&]() -> core::Result<TimerDecision> {
        core::Command command;
        command.op = op;
        command.max_lease_expiries = max_lease_expiries;
        auto change = core::decide(command, to_core_item(row.item), core::timer_actor(), {}, now);
        if (!change) return refused(outcome, change.error());
        return decided(outcome, op, change.value(), reason);
    });
}

TimerDecision decide_activation(const TimerRow& row, const DistributionRows& rows,
                                core::Timestamp now) {
    return cpp_boundary([&]() -> core::Result<TimerDecision> {
        const core::DistributionFacts distribution = to_core_facts(rows);
        core::ConstraintFacts facts;
        facts.distribution = &distribution;
        core::Command command;
        command.op = core::Operation::activate;
        auto change =
            core::decide(command, to_core_item(row.item), core::timer_actor(), facts, now);
        if (!change) return refused(TimerOutcome::activate, change.error());
        return decided(TimerOutcome::activate, command.op, change.value(), "activate_at reached");
    });
}

// A due deadline entry as plain data (the core's DeadlineStep holds std::strings).
struct StepData {
    bool ok;
    int action;  // core::DeadlineAction
    int32 raise_priority;
    const char* reoffer_assignment;
    const char* to_user;
    const char* reason;
    const char* fired_list;
    int sqlerrcode;
    const char* message;
};

StepData take_step(const TimerRow& row, core::Timestamp now) {
    return cpp_boundary([&]() -> core::Result<StepData> {
        StepData data{};
        auto step = core::take_deadline(row.deadlines ? row.deadlines : "[]",
                                        static_cast<std::size_t>(row.deadline_index), now);
        if (!step) {
            data.sqlerrcode = sqlstate_of(step.error().code);
            data.message = copy_to_palloc(step.error().message);
            return data;
        }
        data.ok = true;
        data.action = static_cast<int>(step->action);
        data.raise_priority = step->raise_priority;
        data.reoffer_assignment = copy_to_palloc(step->reoffer_assignment);
        data.to_user = step->to_user ? copy_to_palloc(*step->to_user) : nullptr;
        data.reason = copy_to_palloc(step->reason);
        data.fired_list = copy_to_palloc(step->fired_list);
        return data;
    });
}

TimerOutcome deadline_outcome(int action) {
    return static_cast<TimerOutcome>(static_cast<int>(TimerOutcome::deadline_escalate) + action);
}

TimerDecision decide_step(const StepData& data, const TimerRow& row, const char* admin,
                          const core::ConstraintFacts& facts, core::Timestamp now) {
    return cpp_boundary([&]() -> core::Result<TimerDecision> {
        core::DeadlineStep step;
        step.index = static_cast<std::size_t>(row.deadline_index);
        step.action = static_cast<core::DeadlineAction>(data.action);
        step.raise_priority = data.raise_priority;
        step.reoffer_assignment = data.reoffer_assignment;
        std::optional<std::string_view> to_admin;
        if (admin) to_admin = admin;
        auto decision =
            core::decide_deadline(step, to_core_item(row.item), row.priority, to_admin, facts, now);
        const TimerOutcome outcome = deadline_outcome(data.action);
        if (!decision) return refused(outcome, decision.error());
        TimerDecision d = decided(outcome, decision->recorded_as, decision->change, data.reason);
        d.has_priority = decision->priority.has_value();
        d.priority = decision->priority.value_or(0);
        return d;
    });
}

Datum text_array(const TextList& list) {
    auto* items = static_cast<Datum*>(palloc(sizeof(Datum) * (list.count + 1)));
    for (int i = 0; i < list.count; ++i) items[i] = CStringGetTextDatum(list.items[i]);
    return PointerGetDatum(construct_array(items, list.count, TEXTOID, -1, false, TYPALIGN_INT));
}

// allocate_admin: the deadline's to_user, else the first available administrator the
// directory knows (named users before members of named groups).
const char* find_administrator(const TimerRow& row, const StepData& step) {
    if (step.to_user) return step.to_user;
    Datum args[2] = {CStringGetTextDatum(row.tenant), text_array(row.item.administrators)};
    if (spi::execute(first_administrator, args, nullptr, 1) == 0) return nullptr;
    bool is_null = false;
    return TextDatumGetCString(spi::first_column(0, &is_null));
}

Jsonb* to_jsonb(const char* text) {
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

TimerDecision failure(TimerOutcome outcome, core::ErrorCode code, const char* message) {
    TimerDecision d{};
    d.outcome = outcome;
    d.sqlerrcode = sqlstate_of(code);
    d.message = message;
    return d;
}

TimerDecision decide_deadline_row(const TimerRow& row, TransitionCall& call, core::Timestamp now) {
    const StepData step = take_step(row, now);
    if (!step.ok) {
        TimerDecision d{};
        d.outcome = TimerOutcome::deadline_notify;
        d.sqlerrcode = step.sqlerrcode;
        d.message = step.message;
        return d;
    }
    const auto action = static_cast<core::DeadlineAction>(step.action);
    const TimerOutcome outcome = deadline_outcome(step.action);
    call.deadlines = to_jsonb(step.fired_list);
    core::ConstraintFacts facts;
    const char* admin = nullptr;
    if (action == core::DeadlineAction::reoffer) {
        Jsonb* patch = to_jsonb(step.reoffer_assignment);
        Datum args[2] = {CStringGetTextDatum(row.tenant), JsonbPGetDatum(patch)};
        spi::execute(anyone_among, args, nullptr, 1);
        bool is_null = false;
        if (!DatumGetBool(spi::first_column_of(SPI_tuptable->vals[0], 1, &is_null))) {
            return failure(outcome, core::ErrorCode::constraint_violated,
                           psprintf("cannot reoffer item %ld: nobody in the directory is among "
                                    "the new potential owners %s",
                                    row.item.id, step.reoffer_assignment));
        }
        call.body = patch;
        call.assignment_text = step.reoffer_assignment;
    } else if (action == core::DeadlineAction::allocate_admin) {
        admin = find_administrator(row, step);
        if (admin) {
            TransitionCall allocate = call;
            allocate.operation = core::Operation::allocate;
            allocate.to_user = admin;
            facts = gather_constraint_facts(row.tenant, allocate, row.item);
            call.to_user = admin;
        }
    }
    TimerDecision d = decide_step(step, row, admin, facts, now);
    if (d.ok && d.has_priority) {
        call.has_priority = true;
        call.priority = d.priority;
    }
    return d;
}

// lease_expire: back to offered, or to error once the item has lost too many holders.
TimerDecision decide_lease_expiry(const TimerRow& row, TransitionCall& call, core::Timestamp now) {
    const int32 max = row.has_max_lease_expiries ? row.max_lease_expiries : max_lease_expiries();
    const int32 expiries = row.item.lease_expiries + 1;
    const char* owner = row.item.owner ? row.item.owner : "nobody";
    const char* reason =
        expiries >= max
            ? psprintf(
                  "the lease of %s ran out: %d lease expiries, the most allowed "
                  "(max_lease_expiries %d), so the item is poison and goes to error",
                  owner, expiries, max)
            : psprintf("the lease of %s ran out (%d of %d lease expiries)", owner, expiries, max);
    TimerDecision d = decide_plain(core::Operation::lease_expire, TimerOutcome::lease_expire, row,
                                   max, reason, now);
    if (d.ok && d.change.state == core::State::error) {
        // The fault says why, like a mark_error's would.
        StringInfoData fault;
        initStringInfo(&fault);
        appendStringInfoString(&fault, "{\"error\": \"lease_expired\", \"lease_expiries\": ");
        appendStringInfo(&fault, "%d, \"max_lease_expiries\": %d, \"last_owner\": ", expiries, max);
        escape_json(&fault, owner);
        appendStringInfoChar(&fault, '}');
        call.body = to_jsonb(fault.data);
        d.change.writes_fault = true;
        d.outcome = TimerOutcome::lease_expire_error;  // timer_status counts them apart
    }
    return d;
}

TimerDecision decide_row(TimerAction action, const TimerRow& row, TransitionCall& call,
                         DistributionRows& rows, core::Timestamp now) {
    switch (action) {
        case TimerAction::expire:
            call.operation = core::Operation::expire;
            return decide_plain(call.operation, TimerOutcome::expire, row, 0, "expires_at passed",
                                now);
        case TimerAction::activate:
            call.operation = core::Operation::activate;
            rows = gather_distribution_facts(row.tenant, row.item.strategy, row.assignment,
                                             row.item.workflow_id, row.item.task_name, row.input);
            return decide_activation(row, rows, now);
        case TimerAction::resume:
            call.operation = core::Operation::resume;
            return decide_plain(call.operation, TimerOutcome::resume, row, 0,
                                "suspended_until reached", now);
        case TimerAction::lease_expire:
            call.operation = core::Operation::lease_expire;
            return decide_lease_expiry(row, call, now);
        case TimerAction::deadline:
        case TimerAction::count:
            break;
    }
    call.operation = core::Operation::escalate;
    return decide_deadline_row(row, call, now);
}

void write_change(const TimerRow& row, const TimerDecision& d, const TransitionCall& call) {
    begin_change(PendingChange{row.item.id, d.recorded_as, timer_actor_id, d.reason, nullptr,
                               d.change.bumps_version, d.change.writes_event, "system"});
    update_item(row.item.id, d.change, call);
    end_change();
}

void note_failure(TimerAction action, const TimerRow& row, const TimerDecision& d,
                  TimerCounts& counts) {
    const int outcome = static_cast<int>(d.outcome);
    counts.failed[outcome]++;
    counts.last_error[outcome] = d.message;
    char sqlstate[6];
    memcpy(sqlstate, unpack_sql_state(d.sqlerrcode), sizeof sqlstate);
    elog(LOG, "workitem timer: %s of item %ld failed (%s): %s", outcome_names[outcome], row.item.id,
         sqlstate, d.message);
    record_timer_failure(row.item.id, action, sqlstate, d.message);
}

void act_on(TimerAction action, const TimerRow& row, TimerCounts& counts, core::Timestamp now) {
    current_item = row.item.id;
    TransitionCall call = timer_call(core::Operation::escalate, row);
    DistributionRows rows{};
    TimerDecision d = decide_row(action, row, call, rows, now);
    if (d.ok) {
        call.operation = d.recorded_as;  // custom validators see the operation the event records
        if (const char* denial = custom_denial(row.tenant, call, row.item)) {
            d = failure(d.outcome, core::ErrorCode::denied_by_validator, denial);
        }
    }
    if (!d.ok) {
        note_failure(action, row, d, counts);
        current_item = 0;
        return;
    }
    // The timer's extra columns (a raised priority, a fired deadline) ride on the same UPDATE.
    if (call.has_priority || call.deadlines) d.change.writes_attributes = true;
    write_change(row, d, call);
    if (action == TimerAction::activate && d.change.owner.set && d.change.owner.value) {
        const auto owner = *d.change.owner.value;
        remember_round_robin(row.tenant, rows,
                             pnstrdup(owner.data(), static_cast<Size>(owner.size())));
    }
    if (row.had_failure) {
        Datum args[2] = {Int64GetDatum(row.item.id),
                         CStringGetTextDatum(action_keys[static_cast<int>(action)])};
        spi::execute(forget_failure, args, nullptr, 0);
    }
    counts.done[static_cast<int>(d.outcome)]++;
    current_item = 0;
}

}  // namespace

const char* outcome_name(TimerOutcome outcome) {
    return outcome_names[static_cast<int>(outcome)];
}

void TimerCounts::add(const TimerCounts& other) {
    for (int i = 0; i < static_cast<int>(TimerOutcome::count); ++i) {
        done[i] += other.done[i];
        failed[i] += other.failed[i];
        if (other.last_error[i]) last_error[i] = other.last_error[i];
    }
}

TimestampTz timer_now() {
    return GetCurrentTransactionStartTimestamp() +
           static_cast<TimestampTz>(test_clock_offset_seconds()) * USECS_PER_SEC;
}

int64 timer_current_item() {
    return current_item;
}

TimerAction timer_current_action() {
    return current_action;
}

int run_timer_batch(TimerAction action, int limit, TimerCounts& counts) {
    current_action = action;
    current_item = 0;
    const TimestampTz pg_now = timer_now();
    const int a = static_cast<int>(action);
    const FlagForAllTenants flag = flag_for_all_tenants(action_flags[a]);
    Datum args[5] = {TimestampTzGetDatum(pg_now), Int64GetDatum(limit),
                     CStringGetTextDatum(action_keys[a]), flag.differing_tenants,
                     BoolGetDatum(flag.database_value)};
    const uint64 found = spi::execute(due_items[a], args, nullptr, 0);
    // Every row is read before acting: acting runs statements that replace SPI_tuptable.
    auto* rows = static_cast<TimerRow*>(palloc(sizeof(TimerRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) rows[r] = read_timer_row(r);
    const core::Timestamp now = to_core_time(pg_now);
    for (uint64 r = 0; r < found; ++r) act_on(action, rows[r], counts, now);
    return static_cast<int>(found);
}

void record_timer_failure(int64 item_id, TimerAction action, const char* sqlstate,
                          const char* message) {
    Datum args[6] = {Int64GetDatum(item_id),
                     CStringGetTextDatum(action_keys[static_cast<int>(action)]),
                     CStringGetTextDatum(sqlstate),
                     CStringGetTextDatum(message),
                     TimestampTzGetDatum(timer_now()),
                     Float8GetDatum(timer_retry_seconds())};
    spi::execute(upsert_failure, args, nullptr, 0);
}

}  // namespace workitem::pg
