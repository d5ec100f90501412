// workitem.wake_listen(kind, tenant, queue, principals): the registration step of
// workitem_await_work and workitem_await_events (30-events.sql), which check the caller and
// compute the keys; this registers them and LISTENs (extension/pg/wakeups/listen.hpp).
#include "runtime/boundary.hpp"
#include "wakeups/listen.hpp"

using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_wake_listen);
}

// wake_listen(kind text, tenant text, queue text, principals text[]) RETURNS text[]: STRICT.
extern "C" Datum workitem_wake_listen(PG_FUNCTION_ARGS) {
    const std::string_view kind = wakeups::view_of(PG_GETARG_DATUM(0));
    const bool work = kind == "work";
    if (!work && kind != "events") {
        raise(workitem::core::ErrorCode::invalid_input, "kind must be work or events");
    }
    PG_RETURN_DATUM(wakeups::listen(
        work ? wakeups::Kind::work : wakeups::Kind::events, wakeups::view_of(PG_GETARG_DATUM(1)),
        wakeups::view_of(PG_GETARG_DATUM(2)), PG_GETARG_DATUM(3), work));
}
