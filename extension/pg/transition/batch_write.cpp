#include "transition/batch_write.hpp"

#include "events/change_context.hpp"
#include "item/update.hpp"
#include "policy/constraints.hpp"
#include "policy/custom_validators.hpp"

namespace workitem::pg {

BatchWrite::BatchWrite(int capacity)
    : capacity(capacity),
      calls(static_cast<TransitionCall*>(palloc(sizeof(TransitionCall) * (capacity + 1)))),
      changes(static_cast<core::Change*>(palloc0(sizeof(core::Change) * (capacity + 1)))),
      items(static_cast<Datum*>(palloc0(sizeof(Datum) * (capacity + 1)))) {}

void BatchWrite::before_deciding(const char* tenant, const TransitionCall& call,
                                 const ItemRow& row) {
    if (written == count) return;
    if (constraint_checks_lock(call, row) || custom_validators_registered(tenant, call, row)) {
        write_held();
    }
}

int BatchWrite::hold(const TransitionCall& call, const core::Change& change) {
    if (count == capacity) elog(ERROR, "workitem: more changes than the batch has room for");
    calls[count] = call;
    changes[count] = change;
    return count++;
}

void BatchWrite::write_held() {
    const int pending = count - written;
    if (pending == 0) return;
    auto* contexts = static_cast<PendingChange*>(palloc(sizeof(PendingChange) * pending));
    auto* item_changes = static_cast<ItemChange*>(palloc(sizeof(ItemChange) * pending));
    for (int i = 0; i < pending; ++i) {
        const TransitionCall& call = calls[written + i];
        const core::Change& change = changes[written + i];
        contexts[i] = PendingChange{call.item_id,        call.operation,       call.actor,
                                    call.reason,         call.idempotency_key, change.bumps_version,
                                    change.writes_event, call.capability};
        item_changes[i] = ItemChange{call.item_id, &change, &call};
    }
    if (pending == 1) {
        begin_change(contexts[0]);  // as a single write
    } else {
        begin_changes(contexts, pending);
    }
    update_items(item_changes, pending, items + written);
    end_change();
    written = count;
}

}  // namespace workitem::pg
