// One element of workitem_create_many's items array, decoded into a create request.
#pragma once

#include "creation/create_item.hpp"

namespace workitem::pg {

// Fills `args` from one JSON object of the items array. False, with `error` set to why, when the
// element names an unknown parameter, a value of the wrong type, or lacks workflow_id/task_name.
bool read_create_element(JsonbContainer* element, CreateArgs* args, const char** error);

}  // namespace workitem::pg
