#include "wakeups/listen.hpp"

extern "C" {
#include "commands/async.h"
}

namespace workitem::pg::wakeups {

namespace {

// How long a registration waits at most for the commits in flight on its slots. Commits in
// flight take milliseconds; on a slot so busy that one is always in flight, the next of them
// sees the flag and wakes the waiter anyway.
constexpr long longest_wait_us = 20000;
constexpr long wait_step_us = 100;

void wait_for_commits_in_flight(Shared* flags, const uint32* slots, int count) {
    long waited = 0;
    for (int i = 0; i < count; ++i) {
        while (pg_atomic_read_u32(&flags->committing[slots[i]]) != 0 && waited < longest_wait_us) {
            CHECK_FOR_INTERRUPTS();
            pg_usleep(wait_step_us);
            waited += wait_step_us;
        }
    }
}

}  // namespace

Datum listen(Kind kind, std::string_view tenant, std::string_view queue, Datum principals,
             bool has_principals) {
    Shared* flags = shared(true);
    Datum* names = nullptr;
    bool* nulls = nullptr;
    int count = 0;
    if (has_principals) {
        deconstruct_array(DatumGetArrayTypeP(principals), TEXTOID, -1, false, TYPALIGN_INT, &names,
                          &nulls, &count);
    }
    const int keys = has_principals ? count : 1;
    auto* slots = static_cast<uint32*>(palloc(sizeof(uint32) * (keys + 1)));
    int slot_total = 0;
    for (int i = 0; i < keys; ++i) {
        if (has_principals && nulls[i]) continue;
        const std::string_view principal = has_principals ? view_of(names[i]) : "";
        const uint32 slot = slot_of(kind, tenant, queue, principal);
        bool seen = false;
        for (int j = 0; j < slot_total; ++j) seen = seen || slots[j] == slot;
        if (!seen) slots[slot_total++] = slot;
    }
    // The flags first, then the commits in flight: a commit counts itself before it reads the
    // flag, so either it sees this waiter's flag, or this waiter sees it counted and waits for
    // it to become visible (both sides use full barriers: the atomics' read-modify-writes).
    for (int i = 0; i < slot_total; ++i) pg_atomic_exchange_u32(&flags->waiting[slots[i]], 1);
    wait_for_commits_in_flight(flags, slots, slot_total);
    auto* channels = static_cast<Datum*>(palloc(sizeof(Datum) * (slot_total + 1)));
    for (int i = 0; i < slot_total; ++i) {
        char* channel = channel_of(slots[i]);
        Async_Listen(channel);
        channels[i] = CStringGetTextDatum(channel);
    }
    return PointerGetDatum(construct_array(channels, slot_total, TEXTOID, -1, false, TYPALIGN_INT));
}

}  // namespace workitem::pg::wakeups
