#include "runtime/boundary.hpp"
#include "policy/feature_flags.hpp"
#include "runtime/table_cache.hpp"

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

spi::Statement all_flags{
    "SELECT tenant_id, name, enabled FROM workitem.feature_flag", 0, {}, nullptr};

void fill(FlagRow& row, HeapTuple tuple, TupleDesc desc, MemoryContext memory) {
    bool is_null = false;
    row.tenant = spi::text_column_in(memory, tuple, 1);
    row.name = spi::text_column_in(memory, tuple, 2);
    row.enabled = DatumGetBool(SPI_getbinval(tuple, desc, 3, &is_null));
}

TableCache<FlagRow> flags("feature_flag", all_flags, fill);

}  // namespace

bool is_known_flag(const char* flag) {
    for (const char* known : known_flags) {
        if (strcmp(known, flag) == 0) return true;
    }
    return false;
}

bool flag_enabled(const char* tenant, const char* flag) {
    bool enabled = true;
    for (const FlagRow& row : flags.rows()) {
        if (strcmp(row.name, flag) != 0) continue;
        if (strcmp(row.tenant, tenant) == 0) return row.enabled;  // the tenant's own
        if (strcmp(row.tenant, "*") == 0) enabled = row.enabled;
    }
    return enabled;
}

FlagForAllTenants flag_for_all_tenants(const char* flag) {
    FlagForAllTenants resolved{flag_enabled("*", flag), Datum(0)};
    const std::span<const FlagRow> rows = flags.rows();
    Datum* tenants = static_cast<Datum*>(palloc(sizeof(Datum) * (rows.size() + 1)));
    int count = 0;
    for (const FlagRow& row : rows) {
        if (strcmp(row.name, flag) != 0 || strcmp(row.tenant, "*") == 0) continue;
        if (row.enabled != resolved.database_value)
            tenants[count++] = CStringGetTextDatum(row.tenant);
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
    flags.register_callback();
}

}  // namespace workitem::pg
