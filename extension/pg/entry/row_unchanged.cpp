// workitem.row_unchanged(table, ctid): whether the row version at ctid is still the table's
// current one (transition/row_version.cpp has the check and why claim_next needs it).
#include "transition/row_version.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(workitem_row_unchanged);
}

extern "C" Datum workitem_row_unchanged(PG_FUNCTION_ARGS) {
    const Oid table = PG_GETARG_OID(0);
    const auto* tid = reinterpret_cast<const ItemPointerData*>(PG_GETARG_POINTER(1));
    PG_RETURN_BOOL(workitem::pg::row_unchanged(table, tid));
}
