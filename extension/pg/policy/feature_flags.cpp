#include "runtime/boundary.hpp"
#include "policy/feature_flags.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
}

namespace workitem::pg {

namespace {

constexpr const char* known_flags[] = {
    "strategy.offer",        "strategy.direct",
    "strategy.round_robin",  "strategy.shortest_queue",
    "strategy.random",       "strategy.retain_familiar",
    "idempotency",           "custom_validators",
    "custom_strategies",     "timer.activate",
    "timer.expire",          "timer.lease_expire",
    "timer.resume",          "timer.escalate",
    "strict_payload_limits",
};

struct FlagRow {
    char* tenant;
    char* name;
    bool enabled;
};

// The cache: valid until an invalidation of the flag table (or of everything) arrives.
bool cache_valid = false;
Oid flag_table = InvalidOid;
FlagRow* rows = nullptr;
int row_count = 0;
MemoryContext cache_context = nullptr;

spi::Statement all_flags{
    "SELECT tenant_id, name, enabled FROM workitem.feature_flag", 0, {}, nullptr};

void forget(Datum, Oid relid) {
    if (relid == InvalidOid || relid == flag_table) cache_valid = false;
}

void load() {
    if (cache_context == nullptr) {
        cache_context =
            AllocSetContextCreate(TopMemoryContext, "workitem feature flags", ALLOCSET_SMALL_SIZES);
    }
    MemoryContextReset(cache_context);
    rows = nullptr;
    row_count = 0;
    flag_table = get_relname_relid("feature_flag", get_namespace_oid("workitem", false));
    spi::connect();
    const uint64 found = spi::execute(all_flags, nullptr, nullptr, 0);
    rows = static_cast<FlagRow*>(MemoryContextAlloc(cache_context, sizeof(FlagRow) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) {
        bool is_null = false;
        HeapTuple tuple = SPI_tuptable->vals[r];
        TupleDesc desc = SPI_tuptable->tupdesc;
        rows[r].tenant = MemoryContextStrdup(
            cache_context, TextDatumGetCString(SPI_getbinval(tuple, desc, 1, &is_null)));
        rows[r].name = MemoryContextStrdup(
            cache_context, TextDatumGetCString(SPI_getbinval(tuple, desc, 2, &is_null)));
        rows[r].enabled = DatumGetBool(SPI_getbinval(tuple, desc, 3, &is_null));
    }
    row_count = static_cast<int>(found);
    spi::finish();
    cache_valid = true;
}

}  // namespace

bool is_known_flag(const char* flag) {
    for (const char* known : known_flags) {
        if (strcmp(known, flag) == 0) return true;
    }
    return false;
}

bool flag_enabled(const char* tenant, const char* flag) {
    if (!cache_valid) load();
    bool enabled = true;
    for (int i = 0; i < row_count; ++i) {
        if (strcmp(rows[i].name, flag) != 0) continue;
        if (strcmp(rows[i].tenant, tenant) == 0) return rows[i].enabled;  // the tenant's own
        if (strcmp(rows[i].tenant, "*") == 0) enabled = rows[i].enabled;
    }
    return enabled;
}

FlagForAllTenants flag_for_all_tenants(const char* flag) {
    FlagForAllTenants resolved{flag_enabled("*", flag), Datum(0)};
    Datum* tenants = static_cast<Datum*>(palloc(sizeof(Datum) * (row_count + 1)));
    int count = 0;
    for (int i = 0; i < row_count; ++i) {  // flag_enabled("*") loaded the cache
        if (strcmp(rows[i].name, flag) != 0 || strcmp(rows[i].tenant, "*") == 0) continue;
        if (rows[i].enabled != resolved.database_value) {
            tenants[count++] = CStringGetTextDatum(rows[i].tenant);
        }
    }
    resolved.differing_tenants =
        PointerGetDatum(construct_array(tenants, count, TEXTOID, -1, false, TYPALIGN_INT));
    return resolved;
}

void require_flag(const char* tenant, const char* flag) {
    if (flag_enabled(tenant, flag)) return;
    raise(core::ErrorCode::feature_disabled,
          psprintf("feature \"%s\" is switched off for tenant %s", flag, tenant), nullptr,
          "An administrator switches it on with workitem_set_flag.");
}

void register_feature_flag_callbacks() {
    CacheRegisterRelcacheCallback(forget, Datum(0));
}

}  // namespace workitem::pg
