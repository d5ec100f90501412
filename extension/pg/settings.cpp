#include "settings.hpp"

#include "boundary.hpp"
#include "caller.hpp"

namespace workitem::pg {

namespace {
char* tenant_setting = nullptr;
char* trace_context_setting = nullptr;
int max_payload_bytes_setting = 1024 * 1024;
int idempotency_retention_setting = 24 * 3600;
int max_batch_size_setting = 10000;
}  // namespace

void define_settings() {
    DefineCustomStringVariable(
        "workitem.tenant", "Tenant that workitem functions act in for this session or transaction.",
        "Every item, event and directory entry belongs to one tenant; with nothing set the tenant "
        "is 'default'. Services set it per transaction with SET LOCAL or set_config(..., true).",
        &tenant_setting, "default", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.max_payload_bytes", "Largest input, output or fault document accepted, in bytes.",
        "Larger documents are refused with WI422; store them elsewhere and pass a reference.",
        &max_payload_bytes_setting, 1024 * 1024, 1024, MaxAllocSize / 2, PGC_SUSET, GUC_UNIT_BYTE,
        nullptr, nullptr, nullptr);
    DefineCustomStringVariable("workitem.trace_context",
                               "Trace context (W3C traceparent) recorded with the events written.",
                               "Set per transaction by callers that trace requests; empty: none.",
                               &trace_context_setting, "", PGC_USERSET, 0, nullptr, nullptr,
                               nullptr);
    DefineCustomIntVariable(
        "workitem.idempotency_retention", "How long idempotency keys are remembered.",
        "A retry with the same key within this time replays the original outcome.",
        &idempotency_retention_setting, 24 * 3600, 60, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr,
        nullptr, nullptr);
    DefineCustomIntVariable("workitem.max_batch_size", "Most ids one batch call may name.",
                            "Larger batches are refused with WI422; split them.",
                            &max_batch_size_setting, 10000, 1, 1000000, PGC_SUSET, 0, nullptr,
                            nullptr, nullptr);
    MarkGUCPrefixReserved("workitem");
}

const char* current_tenant() {
    if (tenant_setting == nullptr || tenant_setting[0] == '\0') {
        raise(core::ErrorCode::invalid_input, "workitem.tenant must not be empty", nullptr,
              "Set it to a tenant id, or RESET it to use 'default'.");
    }
    return tenant_setting;
}

const char* requested_tenant() {
    if (tenant_setting == nullptr || strcmp(tenant_setting, "default") == 0) return nullptr;
    return tenant_setting;
}

double idempotency_retention_seconds() {
    return idempotency_retention_setting;
}

int max_batch_size() {
    return max_batch_size_setting;
}

core::Limits current_limits() {
    core::Limits limits;
    limits.max_payload_bytes = static_cast<std::size_t>(max_payload_bytes_setting);
    return limits;
}

}  // namespace workitem::pg

extern "C" {
PG_FUNCTION_INFO_V1(workitem_current_tenant);
}

// workitem.current_tenant(): the tenant of the calling role (caller.hpp), for the SQL read
// functions and the row-level security policies, same as the C functions use.
extern "C" Datum workitem_current_tenant(PG_FUNCTION_ARGS) {
    PG_RETURN_TEXT_P(cstring_to_text(workitem::pg::current_caller().tenant));
}
