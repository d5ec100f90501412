#include <algorithm>

#include "events/change_context.hpp"

namespace workitem::pg {

namespace {
PendingChange pending{};
bool is_pending = false;
// A set-based write's changes, sorted by item id (a copy, in the memory of the call), or none.
PendingChange* pending_set = nullptr;
int pending_set_count = 0;

void forget() {
    is_pending = false;
    pending_set = nullptr;
    pending_set_count = 0;
}

void forget_on_abort(XactEvent event, void*) {
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) forget();
}

void forget_on_subabort(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
    if (event == SUBXACT_EVENT_ABORT_SUB) forget();
}
}  // namespace

void begin_change(const PendingChange& change) {
    pending = change;
    is_pending = true;
}

void begin_changes(const PendingChange* changes, int count) {
    pending_set = static_cast<PendingChange*>(palloc(sizeof(PendingChange) * (count + 1)));
    std::copy(changes, changes + count, pending_set);
    std::sort(pending_set, pending_set + count,
              [](const PendingChange& a, const PendingChange& b) { return a.item_id < b.item_id; });
    pending_set_count = count;
}

void end_change() {
    forget();
}

const PendingChange* pending_change_for(int64 item_id) {
    if (pending_set != nullptr) {
        const PendingChange* end = pending_set + pending_set_count;
        const PendingChange* at =
            std::lower_bound(static_cast<const PendingChange*>(pending_set), end, item_id,
                             [](const PendingChange& c, int64 id) { return c.item_id < id; });
        return at != end && at->item_id == item_id ? at : nullptr;
    }
    if (!is_pending) return nullptr;
    if (pending.item_id != 0 && pending.item_id != item_id) return nullptr;
    return &pending;
}

void register_change_context_callbacks() {
    RegisterXactCallback(forget_on_abort, nullptr);
    RegisterSubXactCallback(forget_on_subabort, nullptr);
}

}  // namespace workitem::pg
