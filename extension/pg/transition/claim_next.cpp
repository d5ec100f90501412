// The claim_next path: the best offered item the actor may take in a queue (or task), found and
// locked by one statement (transition/claim_next_query.hpp), decided by the core, claimed.
#include <algorithm>

#include "transition/transition.hpp"

#include "transition/batch_write.hpp"
#include "transition/claim_fronts.hpp"
#include "transition/claim_next_query.hpp"
#include "transition/decide.hpp"
#include "transition/keyed_call.hpp"
#include "transition/next_claims.hpp"
#include "transition/write.hpp"

#include "item/offers.hpp"
#include "item/row.hpp"
#include "policy/caller.hpp"
#include "policy/custom_validators.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

// claim_next takes the best few items the actor may take and locks the first one no other worker
// holds; when every one is held (or the core refuses the one it got), it passes over them and
// looks again, for more, this many times before it reports nothing. One at first: each more
// costs an index descent on the item and a row read, and without contention the first is taken
// (bench/README.md, "Where the hot path stands": 79 -> 64 buffer hits a claim).
constexpr int claim_next_first_candidates = 1;
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

}  // namespace

NextClaims::NextClaims(const char* tenant, const TransitionCall& call, const char* queue,
                       const char* task_name, core::Timestamp now)
    : tenant(tenant),
      call(call),
      queue(queue),
      task_name(task_name),
      now(now),
      tenant_text(CStringGetTextDatum(tenant)),
      actor_text(CStringGetTextDatum(call.actor)),
      principals(principals_of(tenant_text, actor_text)),
      passed_capacity(claim_next_more_candidates),
      passed(static_cast<Datum*>(palloc(sizeof(Datum) * claim_next_more_candidates))) {
    use_fronts = queue != nullptr && fronts::in_use(tenant, queue) && has_offer_marks();
    if (use_fronts) load_fronts();
}

void NextClaims::load_fronts() {
    Datum* names = nullptr;
    deconstruct_array(DatumGetArrayTypeP(principals), TEXTOID, -1, false, TYPALIGN_INT, &names,
                      nullptr, &principal_count);
    principal_names = static_cast<char**>(palloc(sizeof(char*) * (principal_count + 1)));
    const int slots = principal_count + 1;  // palloc(0) is not allowed
    auto* priorities = static_cast<Datum*>(palloc(sizeof(Datum) * slots));
    auto* dues = static_cast<Datum*>(palloc(sizeof(Datum) * slots));
    auto* ids = static_cast<Datum*>(palloc(sizeof(Datum) * slots));
    auto* marks = static_cast<Datum*>(palloc(sizeof(Datum) * slots));
    auto* no_front = static_cast<bool*>(palloc(sizeof(bool) * slots));
    auto* no_due = static_cast<bool*>(palloc(sizeof(bool) * slots));
    for (int i = 0; i < principal_count; ++i) {
        principal_names[i] = TextDatumGetCString(names[i]);
        fronts::Front front{};
        no_front[i] = !fronts::find(tenant, queue, principal_names[i], &front);
        no_due[i] = no_front[i] || !front.has_due;
        priorities[i] = Int32GetDatum(front.priority);
        dues[i] = TimestampTzGetDatum(front.due_at);
        ids[i] = Int64GetDatum(front.item_id);
        marks[i] = UInt64GetDatum(front.mark);
    }
    int dimensions[1] = {principal_count};
    int lower_bounds[1] = {1};
    auto array = [&](Datum* values, bool* nulls, Oid type, int length, bool by_value, char align) {
        return PointerGetDatum(construct_md_array(values, nulls, 1, dimensions, lower_bounds, type,
                                                  length, by_value, align));
    };
    front_arrays[0] = array(priorities, no_front, INT4OID, 4, true, TYPALIGN_INT);
    front_arrays[1] = array(dues, no_due, TIMESTAMPTZOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    front_arrays[2] = array(ids, no_front, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    front_arrays[3] = array(marks, no_front, XID8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

spi::Arguments<12> NextClaims::arguments(int to_lock, int candidates) {
    spi::Arguments<12> claim_args;
    claim_args
        .add(PointerGetDatum(construct_array(passed, passed_count, INT8OID, sizeof(int64),
                                             FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)))
        .add(tenant_text)
        .add(actor_text)
        .add_text(task_name)
        .add_text(queue)
        .add(Int32GetDatum(to_lock - 1 + candidates))
        .add(principals)
        .add(Int32GetDatum(to_lock));
    if (use_fronts) {
        for (const Datum array : front_arrays) claim_args.add(array);
    }
    return claim_args;
}

// Each principal's front moves to the first entry visible now from where it was (past the
// entries this call's claims deleted), pending until the transaction commits.
void NextClaims::move_fronts() {
    bool is_null = false;
    const uint64 rows = spi::execute(move_fronts_statement(), arguments(1, 0));
    for (uint64 r = 0; r < rows && r < static_cast<uint64>(principal_count); ++r) {
        const HeapTuple row = SPI_tuptable->vals[r];
        const uint64 mark = DatumGetUInt64(spi::column(row, 4, &is_null));
        fronts::Front front = fronts::end_front(mark);
        const Datum item_id = spi::column(row, 3, &is_null);
        if (!is_null) {
            front.item_id = DatumGetInt64(item_id);
            front.priority = DatumGetInt32(spi::column(row, 1, &is_null));
            const Datum due_at = spi::column(row, 2, &is_null);
            front.has_due = !is_null;
            front.due_at = is_null ? 0 : DatumGetTimestampTz(due_at);
        }
        fronts::move(tenant, queue, principal_names[r], front);
    }
}

void NextClaims::pass_over(Datum id) {
    if (passed_count == passed_capacity) {
        passed_capacity *= 2;
        passed = static_cast<Datum*>(repalloc(passed, sizeof(Datum) * passed_capacity));
    }
    passed[passed_count++] = id;
}

int NextClaims::claim_up_to(int wanted, Datum* items) {
    bool is_null = false;
    const int passed_before = passed_count;
    // The claims decided in a round are written together at its end, before the next round
    // looks again (its statement must not find them still offered).
    BatchWrite claims{wanted};
    int claimed = 0;
    int64 walked = 0;  // shared buffers the claim statements read
    for (int round = 0; round < claim_next_rounds && claimed < wanted; ++round) {
        const int to_lock = wanted - claimed;
        const int64 buffers_before = fronts::buffers_read();
        const uint64 rows = spi::execute(use_fronts ? claim_from_fronts_statement()
                                                    : claim_first_free_statement(queue != nullptr),
                                         arguments(to_lock, candidates_in_round(round)), to_lock);
        walked += fronts::buffers_read() - buffers_before;
        const Datum candidates =
            spi::column(SPI_tuptable->vals[0], item_select_columns + 1, &is_null);
        Datum* candidate_ids = nullptr;
        int candidate_count = 0;
        deconstruct_array(DatumGetArrayTypeP(candidates), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
                          TYPALIGN_DOUBLE, &candidate_ids, nullptr, &candidate_count);
        if (candidate_count == 0) break;  // nothing (more) the actor may take

        spi::column(SPI_tuptable->vals[0], 1, &is_null);
        const int locked = is_null ? 0 : static_cast<int>(rows);
        // The locked rows, read before the writes below run statements of their own.
        auto* locked_rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (locked + 1)));
        for (int r = 0; r < locked; ++r) locked_rows[r] = read_item_row(r);
        // Fewer locked than asked for: every candidate not locked is held by another worker.
        if (locked < to_lock) {
            for (int c = 0; c < candidate_count; ++c) {
                bool is_locked = false;
                for (int r = 0; r < locked && !is_locked; ++r)
                    is_locked = locked_rows[r].id == DatumGetInt64(candidate_ids[c]);
                if (!is_locked) pass_over(candidate_ids[c]);
            }
        }
        for (int r = 0; r < locked; ++r) {
            const ItemRow& row = locked_rows[r];
            TransitionCall claim = call;
            claim.item_id = row.id;
            // The query found it eligible; the core has the last word (constraints, time), with
            // the facts as the claims before it left them.
            claims.before_deciding(tenant, claim, row);
            const Verdict verdict = decide(tenant, claim, row, now);
            if (!verdict.allowed || custom_denial(tenant, claim, row) != nullptr) {
                pass_over(Int64GetDatum(row.id));
                continue;
            }
            claims.hold(claim, verdict.change);
            ++claimed;
        }
        claims.write_held();
        if (wanted == 1 && claimed == 1) {
            int ahead = 0;  // candidates of this round before the one taken: held by others
            while (ahead < candidate_count &&
                   DatumGetInt64(candidate_ids[ahead]) != locked_rows[0].id)
                ++ahead;
            learn_contention(passed_count - passed_before + ahead);
        }
    }
    if (use_fronts) {
        move_fronts();
    } else if (queue != nullptr) {
        fronts::note_walk(tenant, queue, wanted, walked);
    }
    for (int i = 0; i < claimed; ++i) items[i] = claims.item(i);
    return claimed;
}

namespace {

// A stored outcome: one item (claim_next of one), an array of items (of several), or NULL.
void replay(FunctionCallInfo fcinfo, const IdempotencyClaim& claim) {
    if (claim.outcome_null) return;
    Jsonb* outcome = DatumGetJsonbP(claim.outcome);
    if (!JB_ROOT_IS_ARRAY(outcome) || JB_ROOT_IS_SCALAR(outcome)) {
        put_tuple(fcinfo, item_from_jsonb(claim.outcome));
        return;
    }
    const int count = static_cast<int>(JB_ROOT_COUNT(outcome));
    for (int i = 0; i < count; ++i) {
        JsonbValue* element = getIthJsonbValueFromContainer(&outcome->root, i);
        put_tuple(fcinfo, item_from_jsonb(JsonbPGetDatum(JsonbValueToJsonb(element))));
    }
}

}  // namespace

void run_claim_next(const TransitionCall& requested, const char* queue, const char* task_name,
                    int max_items, FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);
    InitMaterializedSRF(fcinfo, 0);

    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        replay(fcinfo, keyed.claim);
        spi::finish();
        return;
    }
    NextClaims claim_next{tenant, call, queue, task_name, now};
    // Each item claimed as if by its own call: the core judges it with the facts as they are
    // after the claims before it (capacity counts them), each with its own event and version.
    int64 first_id = 0;
    Datum first_outcome = Datum(0);
    StringInfo taken = makeStringInfo();  // the items as a jsonb array, for the key
    appendStringInfoChar(taken, '[');
    Datum* items = static_cast<Datum*>(palloc(sizeof(Datum) * max_items));
    const int claimed = claim_next.claim_up_to(max_items, items);
    for (int i = 0; i < claimed; ++i) {
        const Datum item = items[i];
        put_tuple(fcinfo, item);
        if (!keyed.keyed()) continue;
        const Datum as_jsonb = item_to_jsonb(item);
        if (i == 0) {
            bool is_null = false;
            first_id =
                DatumGetInt64(GetAttributeByName(DatumGetHeapTupleHeader(item), "id", &is_null));
            first_outcome = as_jsonb;
        }
        appendStringInfo(taken, "%s%s", i == 0 ? "" : ", ",
                         JsonbToCString(nullptr, &DatumGetJsonbP(as_jsonb)->root, 0));
    }
    if (keyed.keyed()) {
        appendStringInfoChar(taken, ']');
        // One item asked for: the item (or NULL) as claim_next has always stored it.
        if (max_items == 1) {
            keyed.remember(first_id, first_outcome, claimed == 0);
        } else {
            keyed.remember(first_id, DirectFunctionCall1(jsonb_in, CStringGetDatum(taken->data)),
                           false);
        }
    }
    spi::finish();
}

}  // namespace workitem::pg
