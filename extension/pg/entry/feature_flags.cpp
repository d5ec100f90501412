// The SQL side of the cached tables: the statement trigger that makes every backend reload its
// caches (feature flags, custom validators), and workitem.known_flag.
#include "policy/feature_flags.hpp"

extern "C" {
#include "utils/inval.h"
}

using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_invalidate_caches);
PG_FUNCTION_INFO_V1(workitem_known_flag);
}

// Statement trigger on the cached tables (feature flags, custom validators): every backend
// reloads its cache of that table at its next transaction.
extern "C" Datum workitem_invalidate_caches(PG_FUNCTION_ARGS) {
    auto* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
    CacheInvalidateRelcacheByRelid(RelationGetRelid(trigger->tg_relation));
    return PointerGetDatum(nullptr);
}

// workitem.known_flag(name): whether the extension knows the flag.
extern "C" Datum workitem_known_flag(PG_FUNCTION_ARGS) {
    PG_RETURN_BOOL(is_known_flag(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}
