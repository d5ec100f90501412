// The end of the batch paths (claim_next of several, the batch forms, acknowledge-and-claim):
// each item decided as if by its own call, its change held here, and the held changes written
// together - one UPDATE per run of changes that write the same columns (item/update.hpp's
// update_items), the item trigger recording one event per row as for a single write.
//
// A decision that reads what the earlier items' writes change (a capacity or four-eyes check
// counts the actor's items; a custom validator may read anything) must see them written:
// `before_deciding` writes what is held first, so such items are decided exactly as if one by
// one (and written one by one).
#pragma once

#include "workitem/core/change.hpp"

#include "item/row.hpp"
#include "transition/call.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

class BatchWrite {
  public:
    // Room for `capacity` changes over the batch's life.
    explicit BatchWrite(int capacity);

    // Before deciding `call` on `row`: writes the held changes if the decision reads them.
    void before_deciding(const char* tenant, const TransitionCall& call, const ItemRow& row);

    // Holds `change` of `call` on its (locked) item `call.item_id`; returns its slot.
    int hold(const TransitionCall& call, const core::Change& change);

    // Writes the held changes (their items locked by this transaction since they were decided).
    void write_held();

    // The item of `slot` as it now is (a workitem.item composite Datum), once written.
    Datum item(int slot) const { return items[slot]; }

  private:
    int capacity;
    int count = 0;    // changes held so far
    int written = 0;  // of which written
    TransitionCall* calls;
    core::Change* changes;
    Datum* items;
};

}  // namespace workitem::pg
