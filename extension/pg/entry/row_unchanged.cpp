// workitem.row_unchanged(table, ctid): whether the row version at ctid is still the table's
// current one: no other transaction has updated or deleted it, nor is doing so now.
//
// Why: claim_next reads the offered items in its statement's snapshot and locks the first free
// one with FOR UPDATE SKIP LOCKED. An item another worker claimed after that snapshot is still
// offered in it; locking it, PostgreSQL follows the update to the claimed version, locks *that*
// and only then rechecks the conditions (READ COMMITTED), so the claim passes over the item but
// keeps its lock until its own transaction ends - and the owner's complete, a moment later,
// waits for a stranger's transaction (bench/README.md, "Where the time goes"). As a condition on
// the row before it is locked, this lets the claim skip such items without locking them. A row
// another transaction is updating right now is skipped too, as SKIP LOCKED would (without the
// risk of that update committing before the lock). A row only locked (FOR UPDATE / SHARE) or
// left by an aborted update is unchanged: SKIP LOCKED and visibility decide as before. The
// check is PostgreSQL's dirty snapshot, the one a unique index check reads rows with. Under
// REPEATABLE READ or SERIALIZABLE it answers true: there a concurrent update is the caller's
// serialization failure, as it always was.
#include "runtime/boundary.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "storage/bufmgr.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"
}

extern "C" {
PG_FUNCTION_INFO_V1(workitem_row_unchanged);
}

extern "C" Datum workitem_row_unchanged(PG_FUNCTION_ARGS) {
    if (IsolationUsesXactSnapshot()) PG_RETURN_BOOL(true);
    const Oid table = PG_GETARG_OID(0);
    const auto* tid = reinterpret_cast<const ItemPointerData*>(PG_GETARG_POINTER(1));
    Relation relation = table_open(table, AccessShareLock);
    if (relation->rd_rel->relkind != RELKIND_RELATION) {
        table_close(relation, NoLock);
        PG_RETURN_BOOL(true);  // no row versions to judge: let the lock decide
    }
    HeapTupleData version;
    version.t_self = *tid;
    Buffer buffer = InvalidBuffer;
    SnapshotData dirty;
    InitDirtySnapshot(dirty);
    // Not visible: an update or delete committed. Visible with an xmax: one is in progress.
    const bool current =
        heap_fetch(relation, &dirty, &version, &buffer, false) && !TransactionIdIsValid(dirty.xmax);
    if (BufferIsValid(buffer)) ReleaseBuffer(buffer);
    table_close(relation, NoLock);
    PG_RETURN_BOOL(current);
}
