#include "events/change_context.hpp"

namespace workitem::pg {

namespace {
PendingChange pending{};
bool is_pending = false;

void forget_on_abort(XactEvent event, void*) {
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) is_pending = false;
}

void forget_on_subabort(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
    if (event == SUBXACT_EVENT_ABORT_SUB) is_pending = false;
}
}  // namespace

void begin_change(const PendingChange& change) {
    pending = change;
    is_pending = true;
}

void end_change() {
    is_pending = false;
}

const PendingChange* pending_change_for(int64 item_id) {
    if (!is_pending) return nullptr;
    if (pending.item_id != 0 && pending.item_id != item_id) return nullptr;
    return &pending;
}

void register_change_context_callbacks() {
    RegisterXactCallback(forget_on_abort, nullptr);
    RegisterSubXactCallback(forget_on_subabort, nullptr);
}

}  // namespace workitem::pg
