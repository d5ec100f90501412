// workitem_remember_refusal(idempotency_key): stores the refusal of this session's last keyed
// call as its key's outcome (policy/refusal_note.hpp, docs/domain.md §9).
#include "policy/refusal_note.hpp"

#include "policy/caller.hpp"
#include "policy/idempotency.hpp"
#include "runtime/spi.hpp"

using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_remember_refusal);
}

// Stores nothing unless this session noted a refusal, made by the role calling now, and - when
// idempotency_key is given - with that key (a client sharing sessions through a pooler names
// its own). The note was made by a call the caller was admitted to, and is stored in that
// call's own scope (tenant, role, actor, key): nothing here can write another caller's key.
extern "C" Datum workitem_remember_refusal(PG_FUNCTION_ARGS) {
    authorize_declared("workitem_remember_refusal");  // as every function: WI403 for a reader
    const NotedRefusal* note = noted_refusal();
    if (note == nullptr || strcmp(note->scope.role, calling_role()) != 0) PG_RETURN_BOOL(false);
    if (!PG_ARGISNULL(0) && strcmp(text_to_cstring(PG_GETARG_TEXT_PP(0)), note->scope.key) != 0) {
        PG_RETURN_BOOL(false);
    }
    spi::connect();
    const bool stored =
        store_refusal(note->scope, note->operation, note->request_hash, note->refusal);
    spi::finish();
    forget_noted_refusal();  // stored, or the key was taken meanwhile: either way, done
    PG_RETURN_BOOL(stored);
}
