#include "wakeups/commit.hpp"

#include "wakeups/slots.hpp"

extern "C" {
#include "commands/async.h"
}

namespace workitem::pg::wakeups {

namespace {

// The slots this transaction touched: a bit each (so a slot is listed once however many items
// or events touch it) and their list, in static storage: noting allocates nothing.
uint64 touched_bits[slot_count / 64];
uint16 touched[slot_count];
uint32 touched_count = 0;
// The slots whose `committing` count this transaction raised, to lower at its end.
Shared* counted_in = nullptr;
uint32 counted = 0;

void note(uint32 slot) {
    uint64& word = touched_bits[slot / 64];
    const uint64 bit = uint64{1} << (slot % 64);
    if (word & bit) return;
    word |= bit;
    touched[touched_count++] = static_cast<uint16>(slot);
}

void forget() {
    for (uint32 i = 0; i < touched_count; ++i) touched_bits[touched[i] / 64] = 0;
    touched_count = 0;
}

// Before the commit record (and before PreCommit_Notify, which queues what Async_Notify asked
// for): take each touched slot's flag. The commit is counted in each slot first, so that a
// waiter registering concurrently either sees the flag taken by a commit it will wait for, or
// leaves its flag for this commit to see (docs/events.md, "Wake-ups": no lost wake-up).
void pre_commit() {
    if (touched_count == 0) return;
    Shared* flags = shared(false);
    if (flags == nullptr) {
        forget();
        return;
    }
    counted_in = flags;
    for (uint32 i = 0; i < touched_count; ++i) {
        const uint32 slot = touched[i];
        pg_atomic_fetch_add_u32(&flags->committing[slot], 1);
        counted = i + 1;
        // Read first: most slots have no waiter, and a read does not take the cache line away
        // from the other writers.
        if (pg_atomic_read_u32(&flags->waiting[slot]) != 0 &&
            pg_atomic_exchange_u32(&flags->waiting[slot], 0) != 0) {
            Async_Notify(channel_of(slot), nullptr);
        }
    }
}

// After the commit is visible (or the transaction is gone): the waiters need not wait for it.
void end() {
    if (counted_in != nullptr) {
        for (uint32 i = 0; i < counted; ++i) {
            pg_atomic_fetch_sub_u32(&counted_in->committing[touched[i]], 1);
        }
        counted_in = nullptr;
        counted = 0;
    }
    forget();
}

void on_transaction(XactEvent event, void*) {
    switch (event) {
        case XACT_EVENT_PRE_COMMIT:
            pre_commit();
            break;
        case XACT_EVENT_COMMIT:
        case XACT_EVENT_ABORT:
        case XACT_EVENT_PREPARE:  // a prepared transaction cannot notify: its waiters poll
            end();
            break;
        default:
            break;
    }
}

}  // namespace

void note_offered(Datum tenant, Datum queue, bool queue_is_null, Datum candidates) {
    const std::string_view tenant_name = view_of(tenant);
    const std::string_view queue_name = queue_is_null ? std::string_view{} : view_of(queue);
    Datum* principals = nullptr;
    bool* nulls = nullptr;
    int count = 0;
    deconstruct_array(DatumGetArrayTypeP(candidates), TEXTOID, -1, false, TYPALIGN_INT, &principals,
                      &nulls, &count);
    for (int i = 0; i < count && touched_count + 2 <= slot_count; ++i) {
        if (nulls[i]) continue;
        const std::string_view principal = view_of(principals[i]);
        note(slot_of(Kind::work, tenant_name, "", principal));
        if (!queue_is_null) note(slot_of(Kind::work, tenant_name, queue_name, principal));
    }
}

void note_event(Datum tenant) {
    if (touched_count + 2 > slot_count) return;
    note(slot_of(Kind::events, view_of(tenant), "", ""));
    note(slot_of(Kind::events, "*", "", ""));
}

void register_commit_callbacks() {
    RegisterXactCallback(on_transaction, nullptr);
}

}  // namespace workitem::pg::wakeups
