#include "transition/row_version.hpp"

#include "runtime/spi.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"
}

namespace workitem::pg {

RowVersion read_row_version(uint64 row) {
    HeapTuple tuple = SPI_tuptable->vals[row];
    bool is_null = false;
    RowVersion version{};
    version.table = DatumGetObjectId(spi::column(tuple, row_version_column, &is_null));
    const Datum tid = spi::column(tuple, row_version_column + 1, &is_null);
    ItemPointerCopy(reinterpret_cast<ItemPointer>(DatumGetPointer(tid)), &version.tid);
    return version;
}

// row_unchanged (also SQL-callable as workitem.row_unchanged(table, ctid)).
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
bool row_unchanged(Oid table, const ItemPointerData* tid) {
    if (IsolationUsesXactSnapshot()) return true;
    Relation relation = table_open(table, AccessShareLock);
    if (relation->rd_rel->relkind != RELKIND_RELATION) {
        table_close(relation, NoLock);
        return true;  // no row versions to judge: let the lock decide
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
    return current;
}

bool row_changing(const RowVersion& version) {
    return !row_unchanged(version.table, &version.tid);
}

}  // namespace workitem::pg
