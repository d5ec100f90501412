// boundary.hpp includes core headers, which must come before postgres.h.
#include "runtime/boundary.hpp"

#include "wakeups/slots.hpp"

extern "C" {
#include "commands/dbcommands.h"
#include "common/hashfn.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/pg_shmem.h"
#include "storage/shmem.h"
}

namespace workitem::pg::wakeups {

namespace {

constexpr const char* shared_name = "workitem wake-up flags";
Shared* attached = nullptr;
shmem_request_hook_type previous_request = nullptr;
shmem_startup_hook_type previous_startup = nullptr;
bool requested = false;

// The database's part of every key: its name, so that slots (and the channels tests see) do not
// depend on its oid. A database cannot be renamed while anyone is connected to it.
uint64 database_seed() {
    static uint64 seed = 0;
    static bool known = false;
    if (!known) {
        const char* name = get_database_name(MyDatabaseId);
        seed = name ? hash_bytes_extended(reinterpret_cast<const unsigned char*>(name),
                                          static_cast<int>(strlen(name)), 0)
                    : MyDatabaseId;
        known = true;
    }
    return seed;
}

// Each part hashed with the previous hash as its seed, its length included, so that ("ab", "c")
// and ("a", "bc") differ.
uint64 mix(uint64 seed, std::string_view part) {
    return hash_bytes_extended(reinterpret_cast<const unsigned char*>(part.data()),
                               static_cast<int>(part.size()), seed + part.size());
}

Shared* attach() {
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found = false;
    auto* flags = static_cast<Shared*>(ShmemInitStruct(shared_name, sizeof(Shared), &found));
    if (!found) {
        for (uint32 i = 0; i < slot_count; ++i) {
            pg_atomic_init_u32(&flags->waiting[i], 0);
            pg_atomic_init_u32(&flags->committing[i], 0);
        }
    }
    LWLockRelease(AddinShmemInitLock);
    return flags;
}

// Without preloading, the flags come out of the reserve PostgreSQL keeps at the end of its shared
// memory, which the lock tables also grow into: a writer only takes it when plenty is left, so
// that its commit can never fail for want of it.
bool reserve_is_ample() {
    const auto* header = static_cast<const PGShmemHeader*>(UsedShmemSegAddr);
    if (header == nullptr) return false;
    return header->totalsize > header->freeoffset &&
           header->totalsize - header->freeoffset > 4 * sizeof(Shared);
}

void request() {
    if (previous_request) previous_request();
    RequestAddinShmemSpace(MAXALIGN(sizeof(Shared)));
}

void startup() {
    if (previous_startup) previous_startup();
    attached = attach();
}

}  // namespace

uint32 slot_of(Kind kind, std::string_view tenant, std::string_view queue,
               std::string_view principal) {
    const char k = static_cast<char>(kind);
    uint64 h = mix(database_seed(), std::string_view(&k, 1));
    h = mix(h, tenant);
    h = mix(h, queue);
    h = mix(h, principal);
    return static_cast<uint32>(h & (slot_count - 1));
}

std::string_view view_of(Datum text_datum) {
    const text* value = DatumGetTextPP(text_datum);
    return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

char* channel_of(uint32 slot) {
    return psprintf("workitem_wake_%u", slot);
}

Shared* shared(bool create) {
    if (attached != nullptr) return attached;
    if (requested || reserve_is_ample()) {
        attached = attach();
    } else if (create) {
        raise(core::ErrorCode::feature_disabled,
              "wake-ups need shared memory that this server cannot spare",
              "The workitem library is not in shared_preload_libraries, and the reserve of shared "
              "memory it would borrow from is short.",
              "Add workitem to shared_preload_libraries and restart; meanwhile, poll.");
    }
    return attached;
}

void register_shared_memory() {
    if (!process_shared_preload_libraries_in_progress) return;
    requested = true;
    previous_request = shmem_request_hook;
    shmem_request_hook = request;
    previous_startup = shmem_startup_hook;
    shmem_startup_hook = startup;
}

}  // namespace workitem::pg::wakeups
