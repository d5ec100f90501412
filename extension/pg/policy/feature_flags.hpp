// Feature flags (domain.md §9): named switches per database and per tenant, kept in
// workitem.feature_flag and cached in each backend. A change to the table sends a relcache
// invalidation (a statement trigger), so every backend reloads at its next transaction - no
// restart, no reconnect - and the hot path reads memory, never the table.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// Whether `flag` is on for `tenant`: the tenant's row, else the database's ('*'), else on.
bool flag_enabled(const char* tenant, const char* flag);

// `flag` for every tenant at once, for a statement over many tenants' rows: the database's value
// and the tenants whose own row says the opposite (a text[]), so that the statement applies
// flag_enabled's rule as `database_value <> (tenant = ANY(differing_tenants))`.
struct FlagForAllTenants {
    bool database_value;
    Datum differing_tenants;
};
FlagForAllTenants flag_for_all_tenants(const char* flag);

// Raises WI501 when `flag` is off for `tenant`.
void require_flag(const char* tenant, const char* flag);

// The flag names the extension knows (setting another is WI422).
bool is_known_flag(const char* flag);

void register_feature_flag_callbacks();

}  // namespace workitem::pg
