// A backend's copy of one small configuration table (feature flags, custom validators, lease
// defaults), read once and kept until the table changes. A change to such a table sends a relcache
// invalidation of it at commit (its statement trigger calls workitem.invalidate_caches(),
// docs/architecture.md); that, or an invalidation of every relation, marks the copy stale, and
// the next reader reloads it. The rows live in the cache's own memory context.
#pragma once

#include <span>

#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
}

namespace workitem::pg {

template <class Row>
class TableCache {
  public:
    // Copies one row of `select`'s result into `row`, strings allocated in `memory`.
    using Fill = void (*)(Row& row, HeapTuple tuple, TupleDesc desc, MemoryContext memory);

    TableCache(const char* table_name, spi::Statement& select, Fill fill)
        : table_name_(table_name), select_(select), fill_(fill) {}

    // Listens for invalidations: at load time (_PG_init), or at the first read (a callback slot
    // is then taken only by the backends that read the table).
    void register_callback() {
        if (callback_registered_) return;
        CacheRegisterRelcacheCallback(forget, PointerGetDatum(this));
        callback_registered_ = true;
    }

    // The table's rows, reloaded first if stale. A table that does not exist (a database whose
    // extension is not yet updated to the release that made it) has none.
    std::span<const Row> rows() {
        if (!valid_) reload();
        return {rows_, count_};
    }

  private:
    static void forget(Datum self, Oid relid) {
        auto* cache = reinterpret_cast<TableCache*>(DatumGetPointer(self));
        if (relid == InvalidOid || relid == cache->table_) cache->valid_ = false;
    }

    void reload() {
        register_callback();
        if (memory_ == nullptr) {
            memory_ = AllocSetContextCreate(TopMemoryContext, "workitem table cache",
                                            ALLOCSET_SMALL_SIZES);
            MemoryContextSetIdentifier(memory_, table_name_);  // shown by memory context dumps
        }
        MemoryContextReset(memory_);
        rows_ = nullptr;
        count_ = 0;
        table_ = get_relname_relid(table_name_, get_namespace_oid("workitem", false));
        if (table_ != InvalidOid) {
            spi::connect();
            const uint64 found = spi::execute(select_, nullptr, nullptr, 0);
            rows_ = static_cast<Row*>(MemoryContextAllocZero(memory_, sizeof(Row) * (found + 1)));
            for (uint64 r = 0; r < found; ++r) {
                fill_(rows_[r], SPI_tuptable->vals[r], SPI_tuptable->tupdesc, memory_);
            }
            count_ = static_cast<size_t>(found);
            spi::finish();
        }
        valid_ = true;
    }

    const char* table_name_;
    spi::Statement& select_;
    Fill fill_;
    bool valid_ = false;
    bool callback_registered_ = false;
    Oid table_ = InvalidOid;
    MemoryContext memory_ = nullptr;
    Row* rows_ = nullptr;
    size_t count_ = 0;
};

}  // namespace workitem::pg
