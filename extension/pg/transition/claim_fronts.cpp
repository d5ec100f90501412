#include "runtime/settings.hpp"  // first: it includes the core headers

#include "transition/claim_fronts.hpp"

extern "C" {
#include "executor/instrument.h"
#include "utils/hsearch.h"
}

namespace workitem::pg::fronts {

namespace {

// A claim that read more shared buffers than this per item wanted walked a long way: the usual
// claim reads about 64 (bench/README.md, "Where the hot path stands"), one behind a thousand dead
// offer entries several hundred.
constexpr int64 long_walk_buffers_per_item = 256;
// How many claims of a queue use fronts once switched on, before one full scan measures again.
constexpr int claims_with_fronts = 1000;
// Most fronts a backend keeps: past it they are all dropped (which loses no item, see the header).
constexpr long most_fronts = 4096;
// Room for "tenant\0queue\0principal\0" in a key; longer names get no front.
constexpr int key_name_bytes = 200;

struct Key {
    Oid database;
    char names[key_name_bytes];
};

struct FrontEntry {
    Key key;  // first: the hash key
    Front front;
};

struct QueueEntry {
    Key key;  // principal empty
    int claims_left;
};

struct PendingFront {
    Key key;
    Front front;
};

HTAB* committed = nullptr;  // Key -> FrontEntry, in TopMemoryContext
HTAB* queues = nullptr;     // Key -> QueueEntry, in TopMemoryContext
// This transaction's moves, in TopTransactionContext; applied at commit.
PendingFront* pending = nullptr;
int pending_count = 0;
int pending_capacity = 0;

bool make_key(Key* key, const char* tenant, const char* queue, const char* principal) {
    memset(key, 0, sizeof(Key));
    key->database = MyDatabaseId;
    const size_t tenant_length = strlen(tenant);
    const size_t queue_length = strlen(queue);
    const size_t principal_length = strlen(principal);
    if (tenant_length + queue_length + principal_length + 3 > key_name_bytes) return false;
    char* at = key->names;
    memcpy(at, tenant, tenant_length);
    at += tenant_length + 1;
    memcpy(at, queue, queue_length);
    at += queue_length + 1;
    memcpy(at, principal, principal_length);
    return true;
}

HTAB* table(HTAB** slot, const char* name, Size entry_size) {
    if (*slot == nullptr) {
        HASHCTL control{};
        control.keysize = sizeof(Key);
        control.entrysize = entry_size;
        control.hcxt = TopMemoryContext;
        *slot = hash_create(name, 64, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    return *slot;
}

void forget_pending() {
    pending = nullptr;  // freed with TopTransactionContext
    pending_count = 0;
    pending_capacity = 0;
}

// At commit (no error may be raised there): the pending fronts become this backend's. An entry
// that cannot be allocated is left out, which loses nothing.
void apply_pending() {
    if (pending_count == 0) return;
    HTAB* fronts = table(&committed, "workitem claim_next fronts", sizeof(FrontEntry));
    for (int i = 0; i < pending_count; ++i) {
        auto* entry = static_cast<FrontEntry*>(
            hash_search(fronts, &pending[i].key, HASH_ENTER_NULL, nullptr));
        if (entry != nullptr) entry->front = pending[i].front;
    }
}

// Before commit: the transaction's own offers after a scan were invisible to it, and its id may
// be older than that scan's xmin (a snapshot leaves its own transaction out).
void lower_marks_to_own_id() {
    const FullTransactionId own = GetTopFullTransactionIdIfAny();
    if (!FullTransactionIdIsValid(own)) return;
    const uint64 own_id = U64FromFullTransactionId(own);
    for (int i = 0; i < pending_count; ++i) {
        if (pending[i].front.mark > own_id) pending[i].front.mark = own_id;
    }
}

void on_transaction(XactEvent event, void*) {
    switch (event) {
        case XACT_EVENT_PRE_COMMIT:
        case XACT_EVENT_PARALLEL_PRE_COMMIT:
            lower_marks_to_own_id();
            break;
        case XACT_EVENT_COMMIT:
        case XACT_EVENT_PARALLEL_COMMIT:
            apply_pending();
            forget_pending();
            break;
        case XACT_EVENT_ABORT:
        case XACT_EVENT_PARALLEL_ABORT:
        case XACT_EVENT_PREPARE:  // a prepared transaction may still abort: its moves are dropped
            forget_pending();
            break;
        default:
            break;
    }
}

// A subtransaction's deletes are undone when it aborts; the pending moves made after them would
// skip the entries they restore. Which moves came before is not worth tracking: all are dropped.
void on_subtransaction(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
    if (event == SUBXACT_EVENT_ABORT_SUB) pending_count = 0;
}

}  // namespace

Front end_front(uint64 mark) {
    return Front{PG_INT32_MIN, false, 0, PG_INT64_MAX, mark};
}

int64 buffers_read() {
    return pgBufferUsage.shared_blks_hit + pgBufferUsage.shared_blks_read;
}

bool in_use(const char* tenant, const char* queue) {
    const ClaimFronts mode = claim_next_fronts();
    if (mode == ClaimFronts::off) return false;
    if (committed != nullptr && hash_get_num_entries(committed) > most_fronts) {
        hash_destroy(committed);
        committed = nullptr;
    }
    if (mode == ClaimFronts::always) return true;
    Key key;
    if (queues == nullptr || !make_key(&key, tenant, queue, "")) return false;
    auto* entry = static_cast<QueueEntry*>(hash_search(queues, &key, HASH_FIND, nullptr));
    if (entry == nullptr) return false;
    if (--entry->claims_left <= 0) hash_search(queues, &key, HASH_REMOVE, nullptr);
    return true;
}

void note_walk(const char* tenant, const char* queue, int wanted, int64 buffers) {
    if (claim_next_fronts() != ClaimFronts::automatic) return;
    if (buffers <= long_walk_buffers_per_item * wanted) return;
    Key key;
    if (!make_key(&key, tenant, queue, "")) return;
    auto* entry = static_cast<QueueEntry*>(
        hash_search(table(&queues, "workitem claim_next queues with fronts", sizeof(QueueEntry)),
                    &key, HASH_ENTER, nullptr));
    entry->claims_left = claims_with_fronts;
}

bool find(const char* tenant, const char* queue, const char* principal, Front* front) {
    Key key;
    if (!make_key(&key, tenant, queue, principal)) return false;
    for (int i = pending_count - 1; i >= 0; --i) {
        if (memcmp(&pending[i].key, &key, sizeof(Key)) == 0) {
            *front = pending[i].front;
            return true;
        }
    }
    if (committed == nullptr) return false;
    auto* entry = static_cast<FrontEntry*>(hash_search(committed, &key, HASH_FIND, nullptr));
    if (entry == nullptr) return false;
    *front = entry->front;
    return true;
}

void move(const char* tenant, const char* queue, const char* principal, const Front& front) {
    Key key;
    if (!make_key(&key, tenant, queue, principal)) return;
    for (int i = 0; i < pending_count; ++i) {
        if (memcmp(&pending[i].key, &key, sizeof(Key)) == 0) {
            pending[i].front = front;
            return;
        }
    }
    if (pending_count == pending_capacity) {
        const int capacity = pending_capacity == 0 ? 8 : 2 * pending_capacity;
        const Size bytes = sizeof(PendingFront) * capacity;
        pending = static_cast<PendingFront*>(pending == nullptr
                                                 ? MemoryContextAlloc(TopTransactionContext, bytes)
                                                 : repalloc(pending, bytes));
        pending_capacity = capacity;
    }
    pending[pending_count++] = PendingFront{key, front};
}

void register_callbacks() {
    RegisterXactCallback(on_transaction, nullptr);
    RegisterSubXactCallback(on_subtransaction, nullptr);
}

}  // namespace workitem::pg::fronts
