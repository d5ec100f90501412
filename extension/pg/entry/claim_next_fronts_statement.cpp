// workitem.claim_next_fronts_statement(advance): the text of the statement claim_next finds and
// locks its item with when it scans from its fronts (false), or of the one that moves its fronts
// after the claim (true) (transition/claim_next_query.hpp). For the tests only
// (sql/claim_next_plans.sql). Not granted to any role.
#include "transition/claim_next_query.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(workitem_claim_next_fronts_statement);
}

extern "C" Datum workitem_claim_next_fronts_statement(PG_FUNCTION_ARGS) {
    const bool advance = PG_GETARG_BOOL(0);
    PG_RETURN_TEXT_P(cstring_to_text(advance ? workitem::pg::move_fronts_statement().sql
                                             : workitem::pg::claim_from_fronts_statement().sql));
}
