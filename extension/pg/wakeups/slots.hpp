// The "someone waits" flags of the wake-ups (docs/events.md, "Wake-ups"): a fixed array in
// shared memory, one slot per hashed wait key. A waiter sets its slots' flags and LISTENs on
// their channels; the first commit that touches a flagged slot clears it and sends ONE
// notification on the slot's channel. A commit touching no flagged slot sends nothing, so it
// never takes the notification queue's cluster-wide lock.
#pragma once

#include <string_view>

#include "runtime/pg.hpp"

extern "C" {
#include "port/atomics.h"
}

namespace workitem::pg::wakeups {

// Slots: a power of two. Keys that share a slot wake each other's waiters (harmless: a woken
// waiter looks, finds nothing, and registers again).
constexpr uint32 slot_count = 4096;

struct Shared {
    pg_atomic_uint32 waiting[slot_count];     // 1: a waiter registered since the last wake
    pg_atomic_uint32 committing[slot_count];  // commits between their check and their end
};

// What a key waits for: work offered to a principal (in a queue, or in any: queue ""), or the
// events of a tenant ("*": of every tenant).
enum class Kind : char { work = 'w', events = 'e' };

// The slot of a key in this database (events: queue and principal "").
uint32 slot_of(Kind kind, std::string_view tenant, std::string_view queue,
               std::string_view principal);

// A text datum's characters (detoasted if need be).
std::string_view view_of(Datum text_datum);

// The channel a slot's notifications go to ("workitem_wake_<slot>"), palloc'd.
char* channel_of(uint32 slot);

// The flags, or nullptr when they cannot be had without risk. Preloaded, they are made at server
// start; otherwise on first use, from the shared memory's reserve (`create`: a waiter, who gets an
// error rather than nullptr; a writer never creates them while the reserve is short).
Shared* shared(bool create);

// _PG_init, when loaded by shared_preload_libraries: reserve the flags and make them at start.
void register_shared_memory();

}  // namespace workitem::pg::wakeups
