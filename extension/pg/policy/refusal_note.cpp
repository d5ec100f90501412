#include "policy/refusal_note.hpp"

extern "C" {
#include "storage/proc.h"
}

namespace workitem::pg {

namespace {

// The keyed call under way: noted only if the error is raised in the transaction and
// subtransaction that looked the key up (an earlier call that ended with another kind of error
// left its watch behind in an older one).
struct Watch {
    bool active = false;
    LocalTransactionId transaction = InvalidLocalTransactionId;
    SubTransactionId subtransaction = InvalidSubTransactionId;
};

Watch watch;
bool noted = false;
NotedRefusal note{};
// Holds the watched call's scope and, once noted, its refusal: survives every rollback, and is
// emptied at the start of each keyed call.
MemoryContext note_memory = nullptr;

bool watching_now() {
    return watch.active && watch.transaction == MyProc->lxid &&
           watch.subtransaction == GetCurrentSubTransactionId();
}

bool rememberable(int sqlerrcode) {
    static const int domain_class = ERRCODE_TO_CATEGORY(sqlstate_of(core::ErrorCode::not_found));
    return ERRCODE_TO_CATEGORY(sqlerrcode) == domain_class &&
           sqlerrcode != sqlstate_of(core::ErrorCode::idempotency_key_reused) &&
           sqlerrcode != sqlstate_of(core::ErrorCode::feature_disabled);
}

char* keep(const char* text) {
    return text == nullptr ? nullptr : MemoryContextStrdup(note_memory, text);
}

// The observer of runtime/boundary.hpp's raise().
void note_raised(const Failure& failure) {
    if (!watching_now()) return;
    watch.active = false;
    if (!rememberable(failure.sqlerrcode)) return;
    note.refusal.sqlerrcode = failure.sqlerrcode;
    note.refusal.message = keep(failure.message);
    note.refusal.detail = keep(failure.detail);
    note.refusal.hint = keep(failure.hint);
    noted = true;
}

}  // namespace

void register_refusal_note() {
    observe_raised_failures(note_raised);
}

void forget_noted_refusal() {
    watch.active = false;
    noted = false;
    if (note_memory != nullptr) MemoryContextReset(note_memory);
}

void watch_keyed_call(const KeyScope& scope, const char* operation, bytea* request_hash) {
    if (note_memory == nullptr) {
        note_memory =
            AllocSetContextCreate(TopMemoryContext, "workitem refusal note", ALLOCSET_SMALL_SIZES);
    }
    forget_noted_refusal();
    note.scope = KeyScope{keep(scope.tenant), keep(scope.role), keep(scope.actor), keep(scope.key)};
    note.operation = keep(operation);
    note.request_hash =
        static_cast<bytea*>(MemoryContextAlloc(note_memory, VARSIZE_ANY(request_hash)));
    memcpy(note.request_hash, request_hash, VARSIZE_ANY(request_hash));
    watch = Watch{true, MyProc->lxid, GetCurrentSubTransactionId()};
}

void end_keyed_call() {
    watch.active = false;
}

const NotedRefusal* noted_refusal() {
    return noted ? &note : nullptr;
}

}  // namespace workitem::pg
