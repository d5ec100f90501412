#include <algorithm>

#include "workitem/core/assignment.hpp"
#include "workitem/core/decide.hpp"

#include "transition.hpp"

#include "boundary.hpp"
#include "change_context.hpp"
#include "item_row.hpp"
#include "item_update.hpp"
#include "settings.hpp"
#include "spi.hpp"

namespace workitem::pg {

namespace {

spi::Statement lock_item{
    "SELECT " WORKITEM_ITEM_SELECT_LIST
    "FROM workitem.item i WHERE i.id = $1 AND i.tenant_id = $2 FOR UPDATE OF i",
    3,
    {INT8OID, TEXTOID, TEXTOID},
    nullptr};

// The best offered item for the actor: priority, then due date, then age (domain.md §2).
// Locked rows are skipped, never waited for, so workers never queue behind each other.
#define WORKITEM_CLAIM_NEXT_QUERY(QUEUE_FILTER)                    \
    "SELECT " WORKITEM_ITEM_SELECT_LIST                            \
    "FROM workitem.item i "                                        \
    "WHERE i.tenant_id = $2 AND i.state = 'offered' " QUEUE_FILTER \
    "  AND ($5::text IS NULL OR i.task_name = $5) "                \
    "  AND i.candidates && $6 AND NOT (i.excluded && $6) "         \
    "  AND (i.expires_at IS NULL OR i.expires_at > now()) "        \
    "  AND i.id <> ALL ($1) "                                      \
    "ORDER BY i.priority DESC, i.due_at ASC NULLS LAST, i.id ASC " \
    "LIMIT 1 FOR UPDATE OF i SKIP LOCKED"

spi::Statement next_in_queue{WORKITEM_CLAIM_NEXT_QUERY("AND i.queue = $4"),
                             6,
                             {INT8ARRAYOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID},
                             nullptr};
spi::Statement next_in_any_queue{WORKITEM_CLAIM_NEXT_QUERY("AND $4::text IS NULL"),
                                 6,
                                 {INT8ARRAYOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID},
                                 nullptr};

spi::Statement actor_principals{
    "SELECT ARRAY['u:' || $2] || ARRAY(SELECT 'g:' || m.group_id FROM workitem.group_member m "
    "WHERE m.tenant_id = $1 AND m.user_id = $2)",
    2,
    {TEXTOID, TEXTOID},
    nullptr};

// How many refused candidates claim_next passes over before it reports nothing.
constexpr int claim_next_attempts = 16;

core::Command to_command(const TransitionCall& call) {
    core::Command command;
    command.op = call.operation;
    if (call.has_expected_version) command.expected_version = call.expected_version;
    if (call.to_user) command.to_user = call.to_user;
    command.override_owner = call.override_owner;
    if (call.has_lease_seconds) command.lease_seconds = call.lease_seconds;
    if (call.has_until) command.until = to_core_time(call.until);
    if (call.reason) command.reason = call.reason;
    if (call.body) command.payload_bytes = VARSIZE(call.body);
    return command;
}

void validate_call(const TransitionCall& call, core::Timestamp now) {
    if (call.actor == nullptr) raise(core::ErrorCode::invalid_input, "actor is required");
    const core::Limits limits = current_limits();
    cpp_boundary([&]() -> core::Status {
        const core::Command command = to_command(call);
        return core::validate_input(command, to_actor(call, TextList{0, nullptr}), limits, now);
    });
}

core::Change decide_on_row(const TransitionCall& call, const ItemRow& row, core::Timestamp now) {
    return cpp_boundary([&]() -> core::Result<core::Change> {
        const core::Item item = to_core_item(row);
        return core::decide(to_command(call), item, to_actor(call, row.actor_groups),
                            core::ConstraintFacts{}, now);
    });
}

Datum write(const TransitionCall& call, const ItemRow& row, const core::Change& change) {
    PendingChange pending{row.id,
                          call.operation,
                          call.actor,
                          call.reason,
                          call.idempotency_key,
                          change.bumps_version,
                          change.writes_event};
    begin_change(pending);
    const Datum item = update_item(row.id, change, call.body);
    end_change();
    return item;
}

}  // namespace

core::Actor to_actor(const TransitionCall& call, const TextList& groups) {
    core::Actor actor;
    actor.id = call.actor ? call.actor : "";
    for (int i = 0; i < groups.count; ++i) actor.groups.emplace_back(groups.items[i]);
    actor.acts_as_service = true;  // until the roles land, every caller may name any actor
    return actor;
}

void raise_not_found(int64 item_id, const char* tenant) {
    raise(core::ErrorCode::not_found, psprintf("item %ld not found", item_id),
          psprintf("tenant %s", tenant), "Check the id and the workitem.tenant setting.");
}

const char* optional_text_arg(FunctionCallInfo fcinfo, int arg) {
    if (PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return text_to_cstring(PG_GETARG_TEXT_PP(arg));
}

Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg) {
    if (PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return PG_GETARG_JSONB_P(arg);
}

TransitionCall decode_common(FunctionCallInfo fcinfo, core::Operation operation,
                             int expected_version_arg, int idempotency_key_arg) {
    TransitionCall call{};
    call.operation = operation;
    if (PG_ARGISNULL(0)) raise(core::ErrorCode::invalid_input, "id is required");
    call.item_id = PG_GETARG_INT64(0);
    call.actor = optional_text_arg(fcinfo, 1);
    if (expected_version_arg >= 0 && !PG_ARGISNULL(expected_version_arg)) {
        call.has_expected_version = true;
        call.expected_version = PG_GETARG_INT64(expected_version_arg);
    }
    if (idempotency_key_arg >= 0) {
        call.idempotency_key = optional_text_arg(fcinfo, idempotency_key_arg);
    }
    return call;
}

Datum run_transition(const TransitionCall& call) {
    const char* tenant = current_tenant();
    const core::Timestamp now = core_now();
    validate_call(call, now);

    spi::connect();
    Datum args[3] = {Int64GetDatum(call.item_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    if (spi::execute(lock_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
    const ItemRow row = read_item_row(0);
    const core::Change change = decide_on_row(call, row, now);
    const Datum item = write(call, row, change);
    spi::finish();
    return item;
}

bool run_claim_next(const TransitionCall& call, const char* queue, const char* task_name,
                    Datum* item) {
    const char* tenant = current_tenant();
    const core::Timestamp now = core_now();
    validate_call(call, now);

    spi::connect();
    Datum principal_args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(call.actor)};
    spi::execute(actor_principals, principal_args, nullptr, 1);
    bool is_null = false;
    const Datum principals = spi::first_column(0, &is_null);

    int64 refused[claim_next_attempts];
    int refused_count = 0;
    bool found = false;
    while (!found && refused_count < claim_next_attempts) {
        Datum refused_ids[claim_next_attempts + 1];
        for (int i = 0; i < refused_count; ++i) refused_ids[i] = Int64GetDatum(refused[i]);
        Datum args[6] = {
            PointerGetDatum(construct_array(refused_ids, refused_count, INT8OID, sizeof(int64),
                                            FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
            CStringGetTextDatum(tenant),
            CStringGetTextDatum(call.actor),
            queue ? CStringGetTextDatum(queue) : Datum(0),
            task_name ? CStringGetTextDatum(task_name) : Datum(0),
            principals};
        const char nulls[7] = {' ', ' ', ' ', queue ? ' ' : 'n', task_name ? ' ' : 'n', ' ', '\0'};
        spi::Statement& query = queue ? next_in_queue : next_in_any_queue;
        if (spi::execute(query, args, nulls, 1) == 0) break;

        const ItemRow row = read_item_row(0);
        // The query found it eligible; the core has the last word (version, constraints, time).
        const bool allowed = cpp_boundary([&]() -> core::Result<bool> {
            const core::Item candidate = to_core_item(row);
            TransitionCall claim = call;
            claim.item_id = row.id;
            return core::decide(to_command(claim), candidate, to_actor(claim, row.actor_groups),
                                core::ConstraintFacts{}, now)
                .has_value();
        });
        if (!allowed) {
            refused[refused_count++] = row.id;
            continue;
        }
        TransitionCall claim = call;
        claim.item_id = row.id;
        const core::Change change = decide_on_row(claim, row, now);
        *item = write(claim, row, change);
        found = true;
    }
    spi::finish();
    return found;
}

}  // namespace workitem::pg
