// Decoding one element of workitem_create_many's items array into a create request, without
// raising: a bad element is that element's result row, not the whole call's error.
#include "entry/create_elements.hpp"

#include "item/deadlines.hpp"

namespace workitem::pg {

namespace {

const char* element_error(const char* field, const char* why) {
    return psprintf("items element: %s %s", field, why);
}

JsonbValue* field(JsonbContainer* element, const char* name, JsonbValue* buffer) {
    return getKeyJsonValueFromContainer(element, name, strlen(name), buffer);
}

bool read_text(JsonbContainer* element, const char* name, const char** out, const char** error) {
    JsonbValue buffer;
    JsonbValue* value = field(element, name, &buffer);
    if (value == nullptr || value->type == jbvNull) return true;
    if (value->type != jbvString) {
        *error = element_error(name, "must be a string");
        return false;
    }
    *out = pnstrdup(value->val.string.val, value->val.string.len);
    return true;
}

bool read_document(JsonbContainer* element, const char* name, Jsonb** out, const char** error) {
    JsonbValue buffer;
    JsonbValue* value = field(element, name, &buffer);
    if (value == nullptr || value->type == jbvNull) return true;
    if (value->type != jbvBinary && value->type != jbvString && value->type != jbvNumeric &&
        value->type != jbvBool) {
        *error = element_error(name, "must be a JSON value");
        return false;
    }
    *out = JsonbValueToJsonb(value);
    return true;
}

bool read_time(JsonbContainer* element, const char* name, OptionalTime* out, const char** error) {
    const char* text = nullptr;
    if (!read_text(element, name, &text, error)) return false;
    if (text == nullptr) return true;
    // Read without raising: a malformed time is this element's row, not the whole call's error
    // (an infinite or out-of-range one is refused by the core, as workitem_create's).
    TimestampTz time = 0;
    if (!read_timestamptz(text, &time)) {
        *error = element_error(name, "must be a timestamp");
        return false;
    }
    *out = OptionalTime{true, time};
    return true;
}

}  // namespace

bool read_create_element(JsonbContainer* element, CreateArgs* args, const char** error) {
    static const char* const known[] = {"workflow_id",  "task_name", "assignment", "input",
                                        "priority",     "queue",     "due_at",     "activate_at",
                                        "expires_at",   "skippable", "step_ref",   "run_id",
                                        "follow_up_at", "deadlines"};
    JsonbIterator* it = JsonbIteratorInit(element);
    JsonbValue value;
    JsonbIteratorToken token;
    bool skip_nested = false;
    while ((token = JsonbIteratorNext(&it, &value, skip_nested)) != WJB_DONE) {
        skip_nested = true;
        if (token != WJB_KEY) continue;
        bool is_known = false;
        for (const char* name : known) {
            is_known |= strlen(name) == static_cast<size_t>(value.val.string.len) &&
                        strncmp(name, value.val.string.val, value.val.string.len) == 0;
        }
        if (!is_known) {
            *error = element_error(pnstrdup(value.val.string.val, value.val.string.len),
                                   "is not a parameter of workitem_create");
            return false;
        }
    }
    if (!read_text(element, "workflow_id", &args->workflow_id, error) ||
        !read_text(element, "task_name", &args->task_name, error) ||
        !read_text(element, "queue", &args->queue, error) ||
        !read_text(element, "step_ref", &args->step_ref, error) ||
        !read_text(element, "run_id", &args->run_id, error) ||
        !read_document(element, "assignment", &args->assignment, error) ||
        !read_document(element, "input", &args->input, error) ||
        !read_document(element, "deadlines", &args->deadlines, error) ||
        !read_time(element, "due_at", &args->due_at, error) ||
        !read_time(element, "activate_at", &args->activate_at, error) ||
        !read_time(element, "expires_at", &args->expires_at, error) ||
        !read_time(element, "follow_up_at", &args->follow_up_at, error)) {
        return false;
    }
    JsonbValue buffer;
    if (JsonbValue* priority = field(element, "priority", &buffer);
        priority != nullptr && priority->type != jbvNull) {
        bool out_of_range = false;
        if (priority->type == jbvNumeric) {
            args->priority = numeric_int4_opt_error(priority->val.numeric, &out_of_range);
        }
        // Not numeric_int4: its range error would abort every element of the call.
        if (priority->type != jbvNumeric || out_of_range) {
            *error = element_error("priority", "must be an integer from -2147483648 to 2147483647");
            return false;
        }
    }
    if (JsonbValue* skippable = field(element, "skippable", &buffer);
        skippable != nullptr && skippable->type != jbvNull) {
        if (skippable->type != jbvBool) {
            *error = element_error("skippable", "must be true or false");
            return false;
        }
        args->skippable = skippable->val.boolean;
    }
    if (args->workflow_id == nullptr) {
        *error = element_error("workflow_id", "is required");
        return false;
    }
    if (args->task_name == nullptr) {
        *error = element_error("task_name", "is required");
        return false;
    }
    return true;
}

}  // namespace workitem::pg
