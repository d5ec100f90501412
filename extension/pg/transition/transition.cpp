#include <algorithm>
#include <vector>

#include "workitem/core/assignment.hpp"
#include "workitem/core/decide.hpp"

#include "transition/transition.hpp"

#include "runtime/boundary.hpp"
#include "policy/caller.hpp"
#include "policy/constraints.hpp"
#include "policy/custom_validators.hpp"
#include "creation/distribution_facts.hpp"
#include "events/change_context.hpp"
#include "item/row.hpp"
#include "policy/idempotency.hpp"
#include "transition/batch_results.hpp"
#include "item/update.hpp"
#include "runtime/settings.hpp"
#include "transition/claim_next_query.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "storage/itemptr.h"
#include "utils/tuplestore.h"
Datum workitem_row_unchanged(PG_FUNCTION_ARGS);
}

namespace workitem::pg {

namespace {

// The row version a read saw (after the item's columns), to tell whether another transaction
// has changed the row since, or is changing it now.
#define WORKITEM_ROW_VERSION ", i.tableoid, i.ctid "
constexpr int row_version_column = item_select_columns + 1;

// An item by id, as read_item_row() reads it; $3 is the actor.
#define WORKITEM_ITEM_BY_ID "FROM workitem.item i WHERE i.id = $1 AND i.tenant_id = $2"

spi::Statement lock_item{"SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ITEM_BY_ID " FOR UPDATE OF i",
                         3,
                         {INT8OID, TEXTOID, TEXTOID},
                         nullptr};

// The same row, unlocked: what every operation reads first (visibility and authorization are
// decided on it; a worker's own operations may decide outright).
spi::Statement read_item{
    "SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ROW_VERSION WORKITEM_ITEM_BY_ID,
    3,
    {INT8OID, TEXTOID, TEXTOID},
    nullptr};

// Items by id, in id order; $3 is the actor.
#define WORKITEM_ITEMS_BY_ID \
    "FROM workitem.item i WHERE i.id = ANY ($1) AND i.tenant_id = $2 ORDER BY i.id"

// A batch reads its rows unlocked first and locks only those its actor may act on.
spi::Statement read_items{
    "SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ROW_VERSION WORKITEM_ITEMS_BY_ID,
    3,
    {INT8ARRAYOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement lock_items{"SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ITEMS_BY_ID
                          " FOR UPDATE OF i",
                          3,
                          {INT8ARRAYOID, TEXTOID, TEXTOID},
                          nullptr};

// The active items of a workflow; $3 is the actor.
#define WORKITEM_WORKFLOW_ITEMS                                           \
    "FROM workitem.item i WHERE i.workflow_id = $1 AND i.tenant_id = $2 " \
    "AND i.state IN ('created', 'offered', 'allocated', 'started', 'suspended') ORDER BY i.id"

spi::Statement read_workflow{
    "SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_ROW_VERSION WORKITEM_WORKFLOW_ITEMS,
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement lock_workflow{"SELECT " WORKITEM_ITEM_SELECT_LIST WORKITEM_WORKFLOW_ITEMS
                             " FOR UPDATE OF i",
                             3,
                             {TEXTOID, TEXTOID, TEXTOID},
                             nullptr};

// Where row `row` of the last SPI result (a read with WORKITEM_ROW_VERSION) lives.
struct RowVersion {
    Oid table;
    ItemPointerData tid;
};

RowVersion read_row_version(uint64 row) {
    HeapTuple tuple = SPI_tuptable->vals[row];
    bool is_null = false;
    RowVersion version{};
    version.table = DatumGetObjectId(spi::column(tuple, row_version_column, &is_null));
    const Datum tid = spi::column(tuple, row_version_column + 1, &is_null);
    ItemPointerCopy(reinterpret_cast<ItemPointer>(DatumGetPointer(tid)), &version.tid);
    return version;
}

// Whether another transaction has changed the row since it was read, or is changing it now
// (workitem.row_unchanged's dirty snapshot). A refusal decided on such a row is not final: the
// call locks the row - waiting for that writer - and decides again, so a call that a commit in
// flight would let through is not refused for having looked too early.
bool row_changing(const RowVersion& version) {
    return !DatumGetBool(DirectFunctionCall2(
        workitem_row_unchanged, ObjectIdGetDatum(version.table), PointerGetDatum(&version.tid)));
}

spi::Statement replay_items{
    "SELECT jsonb_populate_record(NULL::workitem.item, e) FROM jsonb_array_elements($1) AS e",
    1,
    {JSONBOID},
    nullptr};

// claim_next takes the best few items the actor may take and locks the first one no other worker
// holds; when every one is held (or the core refuses the one it got), it passes over them and
// looks again, for more, this many times before it reports nothing. Few at first: each costs an
// index entry and a row read, and without contention the first is taken.
constexpr int claim_next_first_candidates = 4;
constexpr int claim_next_more_candidates = 16;
constexpr int claim_next_most_candidates = 64;
constexpr int claim_next_rounds = 16;

// How many candidates this backend's next claim_next looks at first. Among many workers on one
// queue the best items are held by the others' claims in flight: after a claim that had to pass
// over k of them, the next one takes 2(k+1) at once (up to the most) instead of looking again
// round after round; without contention it falls back, halving, to the first few.
int first_look_candidates = claim_next_first_candidates;

int candidates_in_round(int round) {
    if (round == 0) return first_look_candidates;
    return std::min(
        claim_next_most_candidates,
        std::max(first_look_candidates, claim_next_more_candidates << std::min(round - 1, 2)));
}

void learn_contention(int passed_over) {
    if (passed_over == 0) {
        first_look_candidates = std::max(claim_next_first_candidates, first_look_candidates / 2);
    } else {
        first_look_candidates = std::clamp(2 * (passed_over + 1), claim_next_first_candidates,
                                           claim_next_most_candidates);
    }
}

core::Command to_command(const TransitionCall& call) {
    core::Command command;
    command.op = call.operation;
    if (call.has_expected_version) command.expected_version = call.expected_version;
    if (call.to_user) command.to_user = call.to_user;
    command.override_owner = call.override_owner;
    if (call.has_lease_seconds) command.lease_seconds = call.lease_seconds;
    if (call.has_until) command.until = to_core_time(call.until);
    if (call.reason) command.reason = call.reason;
    if (call.assignment_text) command.assignment = call.assignment_text;
    if (call.has_expires_at) command.expires_at = to_core_time(call.expires_at);
    if (call.has_due_at) command.due_at = to_core_time(call.due_at);
    if (call.has_follow_up_at) command.follow_up_at = to_core_time(call.follow_up_at);
    if (call.deadlines_text) command.deadlines = call.deadlines_text;
    std::size_t largest = 0;
    if (call.body) largest = VARSIZE(call.body);
    if (call.input) largest = std::max<std::size_t>(largest, VARSIZE(call.input));
    if (largest > 0) command.payload_bytes = largest;
    return command;
}

void validate_call(const TransitionCall& call, core::Timestamp now) {
    const core::Limits limits = current_limits();
    // A new assignment may name a registered custom strategy.
    const char* strategy = call.body && call.assignment_text ? strategy_of(call.body) : "offer";
    const char* custom_strategy = is_registered_custom_strategy(strategy) ? strategy : nullptr;
    cpp_boundary([&]() -> core::Status {
        const core::Command command = to_command(call);
        auto status =
            core::validate_input(command, to_actor(call, TextList{0, nullptr}), limits, now);
        if (!status || call.assignment_text == nullptr) return status;
        std::vector<std::string_view> custom;
        if (custom_strategy) custom.emplace_back(custom_strategy);
        auto spec = core::parse_assignment(call.assignment_text, limits, custom);
        if (!spec) return spec.error();
        return core::ok();
    });
}

core::Result<core::Change> decide_in_core(const TransitionCall& call, const ItemRow& row,
                                          const core::ConstraintFacts& facts, core::Timestamp now) {
    const core::Item item = to_core_item(row);
    return core::decide(to_command(call), item, to_actor(call, row.actor_groups), facts, now);
}

// The checks that need no facts (core::authorize: visibility, version, state, authorization) on
// `row`: whether they let the call through; a refusal is recorded in `failure` (an item the actor
// may not see: false with no failure, for the caller to answer as it answers a missing id).
bool authorized_in_core(const TransitionCall& call, const ItemRow& row, core::Timestamp now,
                        Failure* failure) {
    struct Outcome {
        bool authorized;
        bool hidden;
    };
    Failure refusal{};
    const Outcome outcome = cpp_boundary([&]() -> core::Result<Outcome> {
        const core::Item item = to_core_item(row);
        const core::Status status =
            core::authorize(to_command(call), item, to_actor(call, row.actor_groups), now);
        if (status) return Outcome{true, false};
        if (status.error().code == core::ErrorCode::not_found) return Outcome{false, true};
        refusal = failure_from(status.error());
        return Outcome{false, false};
    });
    if (failure != nullptr) *failure = outcome.hidden ? Failure{} : refusal;
    return outcome.authorized;
}

// Raises the refusal of the checks that need no facts, if any: what a call runs on the row read
// unlocked, before it locks the row or anything a constraint check locks, so that a call refused
// by visibility or authorization never locks (or waits for) what it may not touch - unless
// another transaction is changing that row (`read_as`: the version read; the locked path then
// decides). An item the actor may not see is answered exactly as a missing id.
void require_authorized(const char* tenant, const TransitionCall& call, const ItemRow& row,
                        core::Timestamp now, const RowVersion* read_as = nullptr) {
    Failure refusal{};
    if (authorized_in_core(call, row, now, &refusal)) return;
    // On a row read unlocked (`read_as`) that a writer is changing: not final, see row_changing -
    // unless the actor may not see it: an invisible row is never waited for nor locked, as last
    // committed (a change in flight that would show it to the actor shows it to its next call).
    if (read_as != nullptr && refusal.sqlerrcode != 0 && row_changing(*read_as)) return;
    if (refusal.sqlerrcode == 0) raise_not_found(call.item_id, tenant);
    raise(refusal);
}

// On the locked row: the checks that need no facts first (they raise before a constraint check
// locks a directory row or a workflow), then the facts, then the whole decision.
core::Change decide_on_row(const char* tenant, const TransitionCall& call, const ItemRow& row,
                           core::Timestamp now) {
    require_authorized(tenant, call, row, now);
    const core::ConstraintFacts facts = gather_constraint_facts(tenant, call, row);
    return cpp_boundary([&]() { return decide_in_core(call, row, facts, now); });
}

// A refusal as plain data, for batch rows (the batch reports it instead of raising it).
struct Verdict {
    bool allowed;
    core::Change change;
    int sqlerrcode;
    const char* message;
};

Verdict not_found_verdict(int64 item_id) {
    Verdict verdict{};
    verdict.sqlerrcode = sqlstate_of(core::ErrorCode::not_found);
    verdict.message = psprintf("item %ld not found", item_id);  // as for a missing id
    return verdict;
}

// Whether a batch row's refusal is that the actor may not see the item (answered as missing).
bool refused_as_hidden(const Verdict& verdict) {
    return !verdict.allowed && verdict.sqlerrcode == sqlstate_of(core::ErrorCode::not_found);
}

// The checks that need no facts, as a verdict (allowed: they let the call through).
Verdict pre_judge(const TransitionCall& call, const ItemRow& row, core::Timestamp now) {
    Failure refusal{};
    Verdict verdict{};
    verdict.allowed = authorized_in_core(call, row, now, &refusal);
    if (verdict.allowed) return verdict;
    if (refusal.sqlerrcode == 0) return not_found_verdict(row.id);
    verdict.sqlerrcode = refusal.sqlerrcode;
    verdict.message = refusal.message;
    return verdict;
}

Verdict judge(const char* tenant, const TransitionCall& call, const ItemRow& row,
              core::Timestamp now) {
    // A check that locks (a directory row, a workflow) runs only for an authorized actor.
    if (constraint_checks_lock(call, row)) {
        const Verdict pre = pre_judge(call, row, now);
        if (!pre.allowed) return pre;
    }
    const core::ConstraintFacts facts = gather_constraint_facts(tenant, call, row);
    return cpp_boundary([&]() -> core::Result<Verdict> {
        auto decision = decide_in_core(call, row, facts, now);
        Verdict verdict{};
        if (decision) {
            verdict.allowed = true;
            verdict.change = decision.value();
        } else {
            verdict.sqlerrcode = sqlstate_of(decision.error().code);
            verdict.message =
                copy_to_palloc(decision.error().message);  // WI404: "item N not found"
        }
        return verdict;
    });
}

// `decided_on`: see update_item (nullptr: the row is locked); Datum(0) when it had changed.
Datum write(const TransitionCall& call, int64 item_id, const core::Change& change,
            const ItemRow* decided_on = nullptr) {
    begin_change(PendingChange{item_id, call.operation, call.actor, call.reason,
                               call.idempotency_key, change.bumps_version, change.writes_event,
                               call.capability});
    const Datum item = update_item(item_id, change, call, decided_on);
    end_change();
    return item;
}

// Operations whose checks read nothing they would lock: they may decide on the row as read and
// write it if it is still that version, so the row is locked once, by the UPDATE, instead of by
// a SELECT ... FOR UPDATE first: one statement less per call. (The UPDATE still writes a lock
// record: PostgreSQL locks the row before a BEFORE ROW trigger sees it, item_log here.) The worker
// loop's complete is one of them. Whatever else might lock (a capacity check, a four-eyes check,
// a custom validator: user SQL) makes the call lock the row first, so locks are always taken in
// the same order.
bool may_decide_before_locking(core::Operation operation) {
    switch (operation) {
        case core::Operation::complete:
        case core::Operation::start:
        case core::Operation::stop:
        case core::Operation::save_output:
        case core::Operation::fail:
            return true;
        default:
            return false;
    }
}

bool locks_nothing_else(const char* tenant, const TransitionCall& call, const ItemRow& row) {
    return !constraint_checks_lock(call, row) && !custom_validators_registered(tenant, call, row);
}

// Decides on the row as read, unlocked, and writes the change if the row is still the one
// decided on. Datum(0) when anything is not plain: a refusal, a check that would lock, a row
// changed meanwhile - the caller then locks the row and decides again, so every refusal and
// every wait is the locked path's own.
// Before that, a refusal by visibility or authorization on the row as read is final: the call
// raises it without locking the row.
Datum write_unless_changed(const char* tenant, const TransitionCall& call, const ItemRow& row,
                           const RowVersion& read_as, core::Timestamp now) {
    if (!locks_nothing_else(tenant, call, row)) {
        require_authorized(tenant, call, row, now, &read_as);
        return Datum(0);
    }
    const Verdict verdict = judge(tenant, call, row, now);
    if (!verdict.allowed) {
        // Only on a refusal: the hot path is as it was.
        require_authorized(tenant, call, row, now, &read_as);
        return Datum(0);
    }
    return write(call, row.id, verdict.change, &row);
}

// Idempotency around one call: replays a stored outcome, or remembers the new one.
struct KeyedCall {
    const char* tenant;
    const TransitionCall& call;
    FunctionCallInfo fcinfo;
    int key_argument;
    IdempotencyClaim claim{};

    bool replays() {
        if (call.idempotency_key == nullptr) return false;
        claim = claim_key(tenant, call.actor, call.idempotency_key, fcinfo, key_argument);
        return claim.replay;
    }
    bool keyed() const { return call.idempotency_key != nullptr; }
    void remember(int64 item_id, Datum outcome, bool outcome_null) {
        if (call.idempotency_key == nullptr) return;
        remember_outcome(tenant, call.actor, call.idempotency_key,
                         core::to_string(call.operation).data(), claim, item_id, outcome,
                         outcome_null);
    }
};

// Batch ids: no NULL, no id twice (each item gets exactly one outcome).
void require_distinct_ids(const Datum* ids, const bool* nulls, int count) {
    auto* sorted = static_cast<int64*>(palloc(sizeof(int64) * (count + 1)));
    for (int i = 0; i < count; ++i) {
        if (nulls[i]) raise(core::ErrorCode::invalid_input, "ids must not contain NULL");
        sorted[i] = DatumGetInt64(ids[i]);
    }
    std::sort(sorted, sorted + count);
    for (int i = 1; i < count; ++i) {
        if (sorted[i] == sorted[i - 1]) {
            raise(core::ErrorCode::invalid_input, psprintf("ids names item %ld twice", sorted[i]));
        }
    }
}

// The locked row of `id` among rows sorted by id, or nullptr.
const ItemRow* find_row(const ItemRow* rows, uint64 count, int64 id) {
    const ItemRow* end = rows + count;
    const ItemRow* at =
        std::lower_bound(rows, end, id, [](const ItemRow& row, int64 key) { return row.id < key; });
    return at != end && at->id == id ? at : nullptr;
}

void put_tuple(FunctionCallInfo fcinfo, Datum composite) {
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    HeapTupleHeader header = DatumGetHeapTupleHeader(composite);
    HeapTupleData tuple{};
    tuple.t_len = HeapTupleHeaderGetDatumLength(header);
    tuple.t_data = header;
    tuplestore_puttuple(result->setResult, &tuple);
}

}  // namespace

core::Actor to_actor(const TransitionCall& call, const TextList& groups) {
    core::Actor actor;
    actor.id = call.actor ? call.actor : "";
    for (int i = 0; i < groups.count; ++i) actor.groups.emplace_back(groups.items[i]);
    actor.acts_as_service = call.caller_is_service;
    actor.is_tenant_admin = call.caller_is_admin;
    return actor;
}

const char* admit_caller(TransitionCall& call, bool writes) {
    const Caller caller = current_caller();
    if (writes && !caller.may_write) {
        raise(core::ErrorCode::not_authorized,
              psprintf("role %s may only read work items (capability %s)", caller.role_name,
                       caller.capability),
              nullptr,
              "Grant it workitem_user, workitem_admin or workitem_service (a service acting on "
              "behalf of a reader writes nothing).");
    }
    if (call.actor == nullptr) raise(core::ErrorCode::invalid_input, "actor is required");
    call.actor = actor_for(caller, call.actor);
    call.caller_is_service = caller.is_service;
    call.caller_is_admin = caller.is_admin;
    call.caller_may_write = caller.may_write;
    call.capability = caller.capability;
    return caller.tenant;
}

void raise_not_found(int64 item_id, const char* tenant) {
    raise(core::ErrorCode::not_found, psprintf("item %ld not found", item_id),
          psprintf("tenant %s", tenant), "Check the id and the workitem.tenant setting.");
}

const char* optional_text_arg(FunctionCallInfo fcinfo, int arg) {
    if (arg < 0 || PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return text_to_cstring(PG_GETARG_TEXT_PP(arg));
}

Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg) {
    if (arg < 0 || PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return PG_GETARG_JSONB_P(arg);
}

Datum run_transition(const TransitionCall& requested, FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);

    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        const Datum item = item_from_jsonb(keyed.claim.outcome);
        spi::finish();
        return item;
    }
    Datum args[3] = {Int64GetDatum(call.item_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    Datum item = Datum(0);
    // The row as read, unlocked: visibility and authorization are decided on it before anything
    // is locked (a worker's own operations may decide and write on it outright).
    if (spi::execute(read_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
    const RowVersion read_as = read_row_version(0);
    if (may_decide_before_locking(call.operation)) {
        item = write_unless_changed(tenant, call, read_item_row(0), read_as, now);
    } else {
        require_authorized(tenant, call, read_item_row(0), now, &read_as);
    }
    if (item == Datum(0)) {
        if (spi::execute(lock_item, args, nullptr, 1) == 0) raise_not_found(call.item_id, tenant);
        const ItemRow row = read_item_row(0);
        const core::Change change = decide_on_row(tenant, call, row, now);
        check_custom_validators(tenant, call, row);
        item = write(call, row.id, change);
    }
    if (keyed.keyed()) keyed.remember(call.item_id, item_to_jsonb(item), false);
    spi::finish();
    return item;
}

void run_claim_next(const TransitionCall& requested, const char* queue, const char* task_name,
                    FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);
    InitMaterializedSRF(fcinfo, 0);

    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        if (!keyed.claim.outcome_null) put_tuple(fcinfo, item_from_jsonb(keyed.claim.outcome));
        spi::finish();
        return;
    }
    // The actor and its directory groups ('u:<actor>', 'g:<group>'), read once per call.
    const Datum tenant_text = CStringGetTextDatum(tenant);
    const Datum actor_text = CStringGetTextDatum(call.actor);
    const Datum principals = principals_of(tenant_text, actor_text);
    bool is_null = false;

    // Items passed over: held by other workers when we looked, or refused by the core.
    int passed_count = 0;
    int passed_capacity = claim_next_more_candidates;
    Datum* passed = static_cast<Datum*>(palloc(sizeof(Datum) * passed_capacity));
    const auto pass_over = [&](Datum id) {
        if (passed_count == passed_capacity) {
            passed_capacity *= 2;
            passed = static_cast<Datum*>(repalloc(passed, sizeof(Datum) * passed_capacity));
        }
        passed[passed_count++] = id;
    };
    for (int round = 0; round < claim_next_rounds; ++round) {
        Datum claim_args[7] = {
            PointerGetDatum(construct_array(passed, passed_count, INT8OID, sizeof(int64),
                                            FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
            tenant_text,
            actor_text,
            task_name ? CStringGetTextDatum(task_name) : Datum(0),
            queue ? CStringGetTextDatum(queue) : Datum(0),
            Int32GetDatum(candidates_in_round(round)),
            principals};
        const char nulls[8] = {' ', ' ', ' ', task_name ? ' ' : 'n', queue ? ' ' : 'n',
                               ' ', ' ', '\0'};
        spi::execute(claim_first_free_statement(queue != nullptr), claim_args, nulls, 1);
        HeapTuple found = SPI_tuptable->vals[0];
        const Datum candidates = spi::column(found, item_select_columns + 1, &is_null);
        Datum* candidate_ids = nullptr;
        int candidate_count = 0;
        deconstruct_array(DatumGetArrayTypeP(candidates), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
                          TYPALIGN_DOUBLE, &candidate_ids, nullptr, &candidate_count);
        if (candidate_count == 0) break;  // nothing the actor may take

        spi::column(found, 1, &is_null);
        if (is_null) {  // every candidate held by another worker
            for (int c = 0; c < candidate_count; ++c) pass_over(candidate_ids[c]);
            continue;
        }
        const ItemRow row = read_item_row(0);
        TransitionCall claim = call;
        claim.item_id = row.id;
        // The query found it eligible; the core has the last word (constraints, time).
        const Verdict verdict = judge(tenant, claim, row, now);
        if (!verdict.allowed || custom_denial(tenant, claim, row) != nullptr) {
            pass_over(Int64GetDatum(row.id));
            continue;
        }
        const Datum item = write(claim, row.id, verdict.change);
        if (keyed.keyed()) keyed.remember(row.id, item_to_jsonb(item), false);
        int ahead = 0;  // candidates of this round before the one taken: held by others
        while (ahead < candidate_count && DatumGetInt64(candidate_ids[ahead]) != row.id) ++ahead;
        learn_contention(passed_count + ahead);
        put_tuple(fcinfo, item);
        spi::finish();
        return;
    }
    keyed.remember(0, Datum(0), true);
    spi::finish();
}

void run_batch(const TransitionCall& requested, ArrayType* ids, ArrayType* expected_versions,
               FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);

    Datum* id_values = nullptr;
    bool* id_nulls = nullptr;
    int count = 0;
    deconstruct_array(ids, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &id_values,
                      &id_nulls, &count);
    if (count > max_batch_size()) {
        raise(core::ErrorCode::invalid_input,
              psprintf("ids names %d items, more than workitem.max_batch_size (%d)", count,
                       max_batch_size()),
              nullptr, "Split the batch.");
    }
    require_distinct_ids(id_values, id_nulls, count);
    Datum* version_values = nullptr;
    bool* version_nulls = nullptr;
    int version_count = 0;
    if (expected_versions != nullptr) {
        deconstruct_array(expected_versions, INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
                          TYPALIGN_DOUBLE, &version_values, &version_nulls, &version_count);
        if (version_count != count) {
            raise(core::ErrorCode::invalid_input,
                  "expected_versions must have one entry per id (NULL: no check)");
        }
    }

    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        replay_batch(result, keyed.claim.outcome);
        spi::finish();
        return;
    }

    // Read every row unlocked and refuse, without locking them, the items the actor may not see
    // or act on (visibility, version, state, authorization); lock the others in id order (two
    // batches never deadlock on each other), then decide and write each item in the order given;
    // one refused item only makes its own result row say so.
    Datum args[3] = {PointerGetDatum(ids), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    const uint64 read = spi::execute(read_items, args, nullptr, 0);
    ItemRow* read_rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (read + 1)));
    RowVersion* read_as = static_cast<RowVersion*>(palloc(sizeof(RowVersion) * (read + 1)));
    for (uint64 r = 0; r < read; ++r) {
        read_rows[r] = read_item_row(r);
        read_as[r] = read_row_version(r);
    }
    Verdict* refusals = static_cast<Verdict*>(palloc0(sizeof(Verdict) * (count + 1)));
    Datum* to_lock = static_cast<Datum*>(palloc(sizeof(Datum) * (count + 1)));
    int lock_count = 0;
    const auto item_call_of = [&](int i) {
        TransitionCall item_call = call;
        item_call.item_id = DatumGetInt64(id_values[i]);
        item_call.has_expected_version = version_values != nullptr && !version_nulls[i];
        if (item_call.has_expected_version) {
            item_call.expected_version = DatumGetInt64(version_values[i]);
        }
        return item_call;
    };
    for (int i = 0; i < count; ++i) {
        const TransitionCall item_call = item_call_of(i);
        const ItemRow* row = find_row(read_rows, read, item_call.item_id);
        refusals[i] = row ? pre_judge(item_call, *row, now) : not_found_verdict(item_call.item_id);
        // A row another transaction is changing is decided once locked (see row_changing), unless
        // the actor may not see it: that refusal is final, and the row is never locked.
        if (!refusals[i].allowed && row != nullptr && !refused_as_hidden(refusals[i]) &&
            row_changing(read_as[row - read_rows])) {
            refusals[i].allowed = true;
        }
        if (refusals[i].allowed) to_lock[lock_count++] = id_values[i];
    }
    args[0] = PointerGetDatum(construct_array(to_lock, lock_count, INT8OID, sizeof(int64),
                                              FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
    const uint64 found = lock_count == 0 ? 0 : spi::execute(lock_items, args, nullptr, 0);
    ItemRow* rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) rows[r] = read_item_row(r);

    BatchResults results = begin_batch_results(result, call.idempotency_key != nullptr);
    for (int i = 0; i < count; ++i) {
        const TransitionCall item_call = item_call_of(i);
        const int64 id = item_call.item_id;
        const ItemRow* row = find_row(rows, found, id);
        const Verdict verdict = !refusals[i].allowed ? refusals[i]
                                : row == nullptr     ? not_found_verdict(id)
                                                     : judge(tenant, item_call, *row, now);
        if (!verdict.allowed) {
            add_batch_failure(results, id, verdict.sqlerrcode, verdict.message);
            continue;
        }
        if (const char* denial = custom_denial(tenant, item_call, *row)) {
            add_batch_failure(results, id, sqlstate_of(core::ErrorCode::custom_denied), denial);
            continue;
        }
        add_batch_success(results, id, write(item_call, id, verdict.change));
    }
    keyed.remember(0, batch_outcome(results), false);
    spi::finish();
}

void run_cancel_workflow(const TransitionCall& requested, const char* workflow_id,
                         FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    require_service_or_admin(call.caller_is_service, call.caller_is_admin, call.capability,
                             "workitem_cancel_workflow");
    const core::Timestamp now = core_now();
    validate_call(call, now);
    if (workflow_id == nullptr || workflow_id[0] == '\0') {
        raise(core::ErrorCode::invalid_input, "workflow_id is required");
    }
    InitMaterializedSRF(fcinfo, 0);
    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        Datum replay_args[1] = {keyed.claim.outcome};
        const uint64 items = spi::execute(replay_items, replay_args, nullptr, 0);
        for (uint64 r = 0; r < items; ++r) {
            bool is_null = false;
            put_tuple(fcinfo, spi::first_column(r, &is_null));
        }
        spi::finish();
        return;
    }
    Datum args[3] = {CStringGetTextDatum(workflow_id), CStringGetTextDatum(tenant),
                     CStringGetTextDatum(call.actor)};
    // Authorized on every item as read before any is locked. An item the actor may not see is not
    // named: the refusal says only that the workflow has items the actor may not cancel.
    const uint64 read = spi::execute(read_workflow, args, nullptr, 0);
    for (uint64 r = 0; r < read; ++r) {
        TransitionCall item_call = call;
        const ItemRow row = read_item_row(r);
        item_call.item_id = row.id;
        Failure refusal{};
        if (authorized_in_core(item_call, row, now, &refusal)) continue;
        // Decided once locked - unless the actor may not see it (never waited for, see above).
        if (refusal.sqlerrcode != 0 && row_changing(read_row_version(r))) continue;
        if (refusal.sqlerrcode != 0) raise(refusal);
        raise(
            core::ErrorCode::not_authorized,
            psprintf("%s may not cancel every active item of workflow %s", call.actor, workflow_id),
            nullptr, "Act as the workflow's initiator or as a service.");
    }
    const uint64 found = spi::execute(lock_workflow, args, nullptr, 0);
    ItemRow* rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) rows[r] = read_item_row(r);
    // All or nothing: the first refusal raises and rolls back the items already cancelled.
    StringInfo outcome = makeStringInfo();
    appendStringInfoChar(outcome, '[');
    for (uint64 r = 0; r < found; ++r) {
        TransitionCall item_call = call;
        item_call.item_id = rows[r].id;
        const core::Change change = decide_on_row(tenant, item_call, rows[r], now);
        check_custom_validators(tenant, item_call, rows[r]);
        const Datum item = write(item_call, rows[r].id, change);
        put_tuple(fcinfo, item);
        if (call.idempotency_key != nullptr) {
            Jsonb* document = DatumGetJsonbP(item_to_jsonb(item));
            appendStringInfoString(outcome, r == 0 ? "" : ", ");
            appendStringInfoString(outcome,
                                   JsonbToCString(nullptr, &document->root, VARSIZE(document)));
        }
    }
    appendStringInfoChar(outcome, ']');
    if (call.idempotency_key != nullptr) {
        keyed.remember(0, DirectFunctionCall1(jsonb_in, CStringGetDatum(outcome->data)), false);
    }
    spi::finish();
}

}  // namespace workitem::pg
