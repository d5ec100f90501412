// The batch path: workitem_<op>_batch(ids, actor, ...), the single form's call on every id, one
// result row each. Every row is read unlocked and the items the actor may not see or act on are
// refused without being locked; the others are locked in id order (two batches never deadlock
// on each other), then decided in the order given and written together (one UPDATE per run of
// changes that write the same columns). One refused item only makes its own result row say so.
#include <algorithm>

#include "transition/transition.hpp"

#include "transition/batch_results.hpp"
#include "transition/batch_write.hpp"
#include "transition/decide.hpp"
#include "transition/keyed_call.hpp"
#include "transition/row_version.hpp"
#include "transition/settle_items.hpp"

#include "item/row.hpp"
#include "policy/custom_validators.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

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

}  // namespace

void require_distinct_ids(const char* what, const Datum* ids, const bool* nulls, int count) {
    auto* sorted = static_cast<int64*>(palloc(sizeof(int64) * (count + 1)));
    for (int i = 0; i < count; ++i) {
        if (nulls[i])
            raise(core::ErrorCode::invalid_input, psprintf("%s must not contain NULL", what));
        sorted[i] = DatumGetInt64(ids[i]);
    }
    std::sort(sorted, sorted + count);
    for (int i = 1; i < count; ++i) {
        if (sorted[i] == sorted[i - 1]) {
            raise(core::ErrorCode::invalid_input,
                  psprintf("%s names item %ld twice", what, sorted[i]));
        }
    }
}

namespace {

// The locked row of `id` among rows sorted by id, or nullptr.
const ItemRow* find_row(const ItemRow* rows, uint64 count, int64 id) {
    const ItemRow* end = rows + count;
    const ItemRow* at =
        std::lower_bound(rows, end, id, [](const ItemRow& row, int64 key) { return row.id < key; });
    return at != end && at->id == id ? at : nullptr;
}

}  // namespace

void settle_items(const char* tenant, const TransitionCall* calls, int count, core::Timestamp now,
                  BatchResults& results) {
    if (count == 0) return;
    Datum* id_values = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    for (int i = 0; i < count; ++i) id_values[i] = Int64GetDatum(calls[i].item_id);

    // Read every row unlocked and refuse, without locking them, the items the actor may not see
    // or act on (visibility, version, state, authorization); lock the others in id order (two
    // batches never deadlock on each other), then decide each item in the order given and write;
    // one refused item only makes its own result row say so.
    Datum args[3] = {PointerGetDatum(construct_array(id_values, count, INT8OID, sizeof(int64),
                                                     FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)),
                     CStringGetTextDatum(tenant), CStringGetTextDatum(calls[0].actor)};
    const uint64 read = spi::execute(read_items, args, nullptr, 0);
    ItemRow* read_rows = static_cast<ItemRow*>(palloc(sizeof(ItemRow) * (read + 1)));
    RowVersion* read_as = static_cast<RowVersion*>(palloc(sizeof(RowVersion) * (read + 1)));
    for (uint64 r = 0; r < read; ++r) {
        read_rows[r] = read_item_row(r);
        read_as[r] = read_row_version(r);
    }
    Verdict* refusals = static_cast<Verdict*>(palloc0(sizeof(Verdict) * count));
    Datum* to_lock = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    int lock_count = 0;
    for (int i = 0; i < count; ++i) {
        const ItemRow* row = find_row(read_rows, read, calls[i].item_id);
        refusals[i] =
            row ? authorization_verdict(calls[i], *row, now) : not_found_verdict(calls[i].item_id);
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

    // Each item decided in the order given, its change held; the held changes written together
    // (transition/batch_write.hpp), then the result rows added in the order given.
    BatchWrite writes{count};
    int* slots = static_cast<int*>(palloc(sizeof(int) * count));  // -1: refused (refusals[i])
    for (int i = 0; i < count; ++i) {
        const TransitionCall& item_call = calls[i];
        const int64 id = item_call.item_id;
        const ItemRow* row = find_row(rows, found, id);
        slots[i] = -1;
        if (refusals[i].allowed && row == nullptr) refusals[i] = not_found_verdict(id);
        if (!refusals[i].allowed) continue;
        writes.before_deciding(tenant, item_call, *row);
        const Verdict verdict = decide(tenant, item_call, *row, now);
        if (!verdict.allowed) {
            refusals[i] = verdict;
            continue;
        }
        if (const char* denial = custom_denial(tenant, item_call, *row)) {
            refusals[i].allowed = false;
            refusals[i].sqlerrcode = sqlstate_of(core::ErrorCode::denied_by_validator);
            refusals[i].message = denial;
            continue;
        }
        slots[i] = writes.hold(item_call, verdict.change);
    }
    writes.write_held();
    for (int i = 0; i < count; ++i) {
        const int64 id = calls[i].item_id;
        if (results.kind != nullptr) results.kind = core::to_string(calls[i].operation).data();
        if (slots[i] < 0) {
            add_batch_failure(results, id, refusals[i].sqlerrcode, refusals[i].message);
        } else {
            add_batch_success(results, id, writes.item(slots[i]));
        }
    }
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
    require_batch_size("ids", count);
    require_distinct_ids("ids", id_values, id_nulls, count);
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
    // The single form's call on every id.
    TransitionCall* calls =
        static_cast<TransitionCall*>(palloc(sizeof(TransitionCall) * (count + 1)));
    for (int i = 0; i < count; ++i) {
        calls[i] = call;
        calls[i].item_id = DatumGetInt64(id_values[i]);
        calls[i].has_expected_version = version_values != nullptr && !version_nulls[i];
        if (calls[i].has_expected_version)
            calls[i].expected_version = DatumGetInt64(version_values[i]);
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
    BatchResults results = begin_batch_results(result, keyed.keyed());
    settle_items(tenant, calls, count, now, results);
    keyed.remember(0, batch_outcome(results), false);
    spi::finish();
}

void require_batch_size(const char* what, int count) {
    if (count > max_batch_size()) {
        raise(core::ErrorCode::invalid_input,
              psprintf("%s names %d items, more than workitem.max_batch_size (%d)", what, count,
                       max_batch_size()),
              nullptr, "Split the batch.");
    }
}

}  // namespace workitem::pg
