// workitem.check_custom_function(function, kind): asked when a custom validator or strategy is
// registered (policy/custom_validators.hpp has the rule).
#include "policy/custom_validators.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(workitem_check_custom_function);
}

// workitem.check_custom_function(function, kind): WI422 unless the function may run as a
// custom validator or strategy (registration; the runs check again).
extern "C" Datum workitem_check_custom_function(PG_FUNCTION_ARGS) {
    using namespace workitem::pg;
    const Oid function = PG_GETARG_OID(0);
    const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(1));
    check_custom_function(function, kind, nullptr);
    PG_RETURN_VOID();
}
