// Which version of an item row a read saw, and whether it is still the current one. Operations
// decide on rows read unlocked first (visibility and authorization before any lock); a refusal
// decided on a row another transaction is changing is not final: the call locks the row -
// waiting for that writer - and decides again.
#pragma once

#include "item/row.hpp"

#include "runtime/pg.hpp"

extern "C" {
#include "storage/itemptr.h"
}

namespace workitem::pg {

// The row version a read saw, selected after the item's columns, to tell whether another
// transaction has changed the row since, or is changing it now.
#define WORKITEM_ROW_VERSION ", i.tableoid, i.ctid "
// The column (1-based) of the first WORKITEM_ROW_VERSION column in such a read.
constexpr int row_version_column = item_select_columns + 1;

// Where row `row` of the last SPI result (a read with WORKITEM_ROW_VERSION) lives.
struct RowVersion {
    Oid table;
    ItemPointerData tid;
};

RowVersion read_row_version(uint64 row);

// Whether the row version at `tid` is still the table's current one: no other transaction has
// updated or deleted it, nor is doing so now (workitem.row_unchanged explains the check).
bool row_unchanged(Oid table, const ItemPointerData* tid);

// Whether another transaction has changed the row since it was read, or is changing it now.
// A refusal decided on such a row is not final: the call locks the row - waiting for that
// writer - and decides again, so a call that a commit in flight would let through is not
// refused for having looked too early.
bool row_changing(const RowVersion& version);

}  // namespace workitem::pg
