// workitem.assignment_principals(spec, part): the users and groups one part of an assignment
// spec names, as 'u:<user>' / 'g:<group>'. Backs the item's generated columns (candidates,
// excluded, administrators), so an index can find the items a user may claim.
#include "runtime/pg.hpp"

namespace {

// Appends 'prefix:<name>' for each string in spec[part][key]; anything else is ignored (the
// shape is checked where assignments are accepted).
void collect(JsonbContainer* spec, const char* part, const char* key, char prefix,
             ArrayBuildState* out) {
    JsonbValue part_buffer;
    JsonbValue* part_value = getKeyJsonValueFromContainer(spec, part, strlen(part), &part_buffer);
    if (part_value == nullptr || part_value->type != jbvBinary) return;
    JsonbValue list_buffer;
    JsonbValue* list =
        getKeyJsonValueFromContainer(part_value->val.binary.data, key, strlen(key), &list_buffer);
    if (list == nullptr || list->type != jbvBinary) return;
    JsonbContainer* container = list->val.binary.data;
    if (!JsonContainerIsArray(container)) return;
    const uint32 count = JsonContainerSize(container);
    for (uint32 i = 0; i < count; ++i) {
        JsonbValue* element = getIthJsonbValueFromContainer(container, i);
        if (element == nullptr || element->type != jbvString) continue;
        const int length = element->val.string.len;
        text* entry = static_cast<text*>(palloc(VARHDRSZ + 2 + length));
        SET_VARSIZE(entry, VARHDRSZ + 2 + length);
        VARDATA(entry)[0] = prefix;
        VARDATA(entry)[1] = ':';
        memcpy(VARDATA(entry) + 2, element->val.string.val, length);
        accumArrayResult(out, PointerGetDatum(entry), false, TEXTOID, CurrentMemoryContext);
    }
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_assignment_principals);
}

extern "C" Datum workitem_assignment_principals(PG_FUNCTION_ARGS) {
    Jsonb* spec = PG_GETARG_JSONB_P(0);
    const char* part = text_to_cstring(PG_GETARG_TEXT_PP(1));
    ArrayBuildState* out = initArrayResult(TEXTOID, CurrentMemoryContext, false);
    if (JB_ROOT_IS_OBJECT(spec)) {
        collect(&spec->root, part, "users", 'u', out);
        collect(&spec->root, part, "groups", 'g', out);
    }
    PG_RETURN_DATUM(makeArrayResult(out, CurrentMemoryContext));
}
