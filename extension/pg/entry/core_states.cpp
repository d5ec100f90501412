// workitem_core_states(): the core's states, in enum order, and whether each is active - the one
// source of that fact (core state.hpp). Declared by no install script: the regression test
// `facts` declares it for itself and compares the SQL type workitem.state and every list of
// active states in the install script's SQL (index predicates, views, function bodies) with it.
#include "workitem/core/state.hpp"

#include "runtime/pg.hpp"

extern "C" {
#include "funcapi.h"
#include "utils/tuplestore.h"
}

extern "C" {
PG_FUNCTION_INFO_V1(workitem_core_states);
}

extern "C" Datum workitem_core_states(PG_FUNCTION_ARGS) {
    using namespace workitem::core;
    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (State state : all_states) {
        const std::string_view label = state_labels[static_cast<std::size_t>(state)];
        Datum values[2] = {
            PointerGetDatum(cstring_to_text_with_len(label.data(), static_cast<int>(label.size()))),
            BoolGetDatum(is_active(state))};
        bool nulls[2] = {false, false};
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
    PG_RETURN_NULL();
}
