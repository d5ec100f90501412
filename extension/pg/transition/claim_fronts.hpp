// claim_next's fronts: where each backend's next scan of a principal's offer entries in a queue
// starts, so that a claim does not walk again the entries claimed since a transaction began to
// hold the xmin horizon (bench/README.md, "Under bloat: where the time goes").
//
// A front is the key (priority, due date, item id; best first) of the first offer entry a
// committed scan of this backend found visible, with a mark: the xmin of that scan's snapshot,
// lowered to the scanning transaction's own id. Every entry before the key the scan did not see
// was either deleted by a transaction committed before its snapshot (it never comes back) or
// offered by a transaction from the mark on (workitem.offer.offered_xid: the next scan reads
// those apart). So a scan from the front plus the entries offered since the mark misses nothing
// a full scan would find, and best first stays exact. A front stays valid for ever (later offers
// have later ids), so dropping one - a bounded table full, a rolled-back transaction - only costs
// the next scan its length, never an item.
//
// A transaction's own deletes hide entries from its own later scans: fronts a transaction moves
// are pending until it commits, and dropped when it or any of its subtransactions aborts.
//
// Per backend, no shared state, no threads. Off for the normal loop: a queue's claims use fronts
// only after a claim without them read many buffers (workitem.claim_next_fronts = auto), for a
// number of claims, after which one full scan measures again.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg::fronts {

struct Front {
    int32 priority;
    bool has_due;
    TimestampTz due_at;
    int64 item_id;
    uint64 mark;  // a FullTransactionId
};

// The front of a scan that found no entry visible: after every possible key.
Front end_front(uint64 mark);

// Whether this call's claims in (tenant, queue) scan from fronts; counts the call against the
// number of claims the queue's fronts are kept on for.
bool in_use(const char* tenant, const char* queue);

// A claim in (tenant, queue) without fronts read `buffers` shared buffers for `wanted` items:
// switches the queue's fronts on when that is a long walk (auto).
void note_walk(const char* tenant, const char* queue, int wanted, int64 buffers);

// The front of `principal`: this transaction's pending one, else the committed one. False when
// there is none (the scan starts at the first entry).
bool find(const char* tenant, const char* queue, const char* principal, Front* front);

// Moves the front of `principal`, pending until this transaction commits.
void move(const char* tenant, const char* queue, const char* principal, const Front& front);

// Shared buffers read (hit or not) by this backend so far: what note_walk measures with.
int64 buffers_read();

void register_callbacks();

}  // namespace workitem::pg::fronts
