// workitem_item_log(): the item trigger (events/item_log.hpp).
#include "events/item_log.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(workitem_item_log);
}

extern "C" Datum workitem_item_log(PG_FUNCTION_ARGS) {
    if (!CALLED_AS_TRIGGER(fcinfo)) elog(ERROR, "workitem_item_log: not called as a trigger");
    auto* trigger = reinterpret_cast<TriggerData*>(fcinfo->context);
    if (!TRIGGER_FIRED_BEFORE(trigger->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigger->tg_event)) {
        elog(ERROR, "workitem_item_log: must run BEFORE ... FOR EACH ROW");
    }
    return PointerGetDatum(workitem::pg::log_item_change(trigger));
}
