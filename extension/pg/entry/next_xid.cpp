// workitem.next_xid(): the transaction id the server will assign next, for the event consumers'
// snapshots (30-events.sql, workitem.position_snapshot). SQL has no way to read it without
// assigning one to the caller, and a consumer's transaction usually has its own already.
#include "runtime/boundary.hpp"

extern "C" {
#include "access/transam.h"
#include "utils/xid8.h"
}

extern "C" {
PG_FUNCTION_INFO_V1(workitem_next_xid);
}

extern "C" Datum workitem_next_xid(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    PG_RETURN_FULLTRANSACTIONID(ReadNextFullTransactionId());
}
