// workitem.claim_next_statement(in_queue): the text of the statement claim_next finds and locks
// its item with, for the schema installed (transition/claim_next_query.hpp). For the tests only
// (sql/claim_next_plans.sql): they EXPLAIN the hot path's statement itself, not a copy of it
// that could drift. Not granted to any role.
#include "transition/claim_next_query.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(workitem_claim_next_statement);
}

extern "C" Datum workitem_claim_next_statement(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(
        cstring_to_text(workitem::pg::claim_first_free_statement(PG_GETARG_BOOL(0)).sql));
}
