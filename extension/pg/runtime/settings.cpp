#include "workitem/core/command.hpp"  // default_max_lease_expiries

#include "runtime/settings.hpp"

#include "runtime/boundary.hpp"

extern "C" {
#include "mb/pg_wchar.h"
}

namespace workitem::pg {

namespace {
char* tenant_setting = nullptr;
char* trace_context_setting = nullptr;
char* on_behalf_setting = nullptr;
int unmapped_roles_setting = static_cast<int>(UnmappedRoles::refuse);

const config_enum_entry unmapped_roles_options[] = {
    {"refuse", static_cast<int>(UnmappedRoles::refuse), false},
    {"default", static_cast<int>(UnmappedRoles::default_tenant), false},
    {nullptr, 0, false}};
int claim_next_fronts_setting = static_cast<int>(ClaimFronts::off);
const config_enum_entry claim_next_fronts_options[] = {
    {"auto", static_cast<int>(ClaimFronts::automatic), false},
    {"on", static_cast<int>(ClaimFronts::always), false},
    {"off", static_cast<int>(ClaimFronts::off), false},
    {nullptr, 0, false}};
int max_payload_bytes_setting = 1024 * 1024;
int idempotency_retention_setting = 24 * 3600;
int max_batch_size_setting = 10000;
char* timer_database_setting = nullptr;
int tick_interval_setting = 1000;
int timer_batch_size_setting = 100;
int timer_batch_delay_setting = 100;
int max_lease_expiries_setting = core::default_max_lease_expiries;
int item_retention_setting = 90 * 24 * 3600;
int default_lease_setting = 300;
int stranded_after_setting = 24 * 3600;
int event_retention_setting = 365 * 24 * 3600;
int event_consumer_max_hold_setting = 30 * 24 * 3600;
int max_consumers_per_tenant_setting = 100;
int timer_retry_setting = 60;
int timer_probe_interval_setting = 60;
int test_clock_offset_setting = 0;

void define_timer_settings() {
    DefineCustomStringVariable(
        "workitem.database",
        "The one database the timer serves; empty: every database with the extension.",
        "Needs workitem in shared_preload_libraries; elsewhere call workitem_tick() instead.",
        &timer_database_setting, "",
        // Only a preloaded library may define a postmaster setting; loaded later (no worker),
        // the setting is only informative.
        process_shared_preload_libraries_in_progress ? PGC_POSTMASTER : PGC_SIGHUP, 0, nullptr,
        nullptr, nullptr);
    DefineCustomIntVariable("workitem.tick_interval", "How often the timer worker wakes.",
                            "Activations, lease expiries, resumptions, deadlines and purges "
                            "happen at most this late.",
                            &tick_interval_setting, 1000, 10, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
                            nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.timer_batch_size", "Most items one timer transaction acts on.",
        "Small batches keep row locks short; the worker runs batches until "
        "nothing is due.",
        &timer_batch_size_setting, 100, 1, 10000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.timer_batch_delay",
        "How long the timer worker rests between two full batches (0: not at all).",
        "Paces a backlog (say a burst of expired leases) so that users working beside it keep "
        "their throughput; what is due is still done, more slowly. workitem_tick() does not rest.",
        &timer_batch_delay_setting, 100, 0, 60 * 1000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
        nullptr);
    DefineCustomIntVariable(
        "workitem.max_lease_expiries",
        "Lease expiries after which an item goes to error instead of back to offered.",
        "A poison item keeps losing its holders; an assignment's max_lease_expiries overrides it.",
        &max_lease_expiries_setting, core::default_max_lease_expiries, 1, 1000000, PGC_SUSET, 0,
        nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.default_lease_seconds",
        "The lease a worker's claim (claim_next) takes when neither the call, the assignment nor "
        "workitem.lease_default names one.",
        "So that a worker that dies never strands its item: the timer gives it back when the "
        "lease runs out. 0: no default lease (discouraged: a dead worker's item stays held).",
        &default_lease_setting, 300, 0, 366 * 24 * 3600, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr,
        nullptr);
    DefineCustomIntVariable(
        "workitem.stranded_after",
        "How long an item may be held without a lease before workitem.stranded_items lists it.",
        nullptr, &stranded_after_setting, 24 * 3600, 1, INT_MAX, PGC_USERSET, GUC_UNIT_S, nullptr,
        nullptr, nullptr);
    DefineCustomIntVariable("workitem.item_retention",
                            "How long terminal items are kept after they finished (0: forever).",
                            "The timer purges older ones in batches; their events stay until "
                            "workitem.event_retention.",
                            &item_retention_setting, 90 * 24 * 3600, 0, INT_MAX, PGC_SIGHUP,
                            GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("workitem.event_retention",
                            "How long events are kept: the audit period (0: forever).",
                            "The timer drops whole monthly partitions of workitem.event once "
                            "all their events are older.",
                            &event_retention_setting, 365 * 24 * 3600, 0, INT_MAX, PGC_SIGHUP,
                            GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("workitem.event_consumer_max_hold",
                            "How long past workitem.event_retention event consumers may keep "
                            "events from being dropped.",
                            "A consumer further behind has the events past it dropped anyway, "
                            "and the gap is recorded on it (workitem.event_lag).",
                            &event_consumer_max_hold_setting, 30 * 24 * 3600, 0, INT_MAX,
                            PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("workitem.max_consumers_per_tenant",
                            "Most event consumers one tenant may have.",
                            "workitem_consumer_create refuses more with WI422; the all-tenants "
                            "consumers count as one tenant's.",
                            &max_consumers_per_tenant_setting, 100, 1, 1000000, PGC_SUSET, 0,
                            nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.timer_probe_interval",
        "How often the timer launcher looks again at a database without a running timer.",
        "A CREATE EXTENSION workitem gets its timer within this time; a new database at the "
        "launcher's next wake-up.",
        &timer_probe_interval_setting, 60, 1, 3600, PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr,
        nullptr);
    DefineCustomIntVariable("workitem.timer_retry_interval",
                            "First wait before a failed timer action on an item is retried.",
                            "The wait doubles with each failure, up to a day; "
                            "workitem.timer_status shows the failures.",
                            &timer_retry_setting, 60, 1, 24 * 3600, PGC_SIGHUP, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("workitem.test_clock_offset",
                            "Tests only: the timer acts as if the clock were this much ahead.",
                            "Superuser only. Lets tests reach activate_at, lease_until and "
                            "deadlines without waiting.",
                            &test_clock_offset_setting, 0, INT_MIN, INT_MAX, PGC_SUSET, GUC_UNIT_S,
                            nullptr, nullptr, nullptr);
}
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
    DefineCustomStringVariable(
        "workitem.trace_context",
        "Trace context (W3C traceparent) recorded with the events written.",
        "Set per transaction by callers that trace requests; empty: none. At most 512 bytes: a "
        "longer value makes the call that would record it fail with WI422.",
        &trace_context_setting, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    // No check hook for the two below: a value set before the library was loaded is checked by
    // its hook only when the library loads, and a refused one is then dropped with a mere
    // WARNING. For on_behalf that would mean full service rights instead of the capability the
    // service declared, so both are checked where they are used (policy/caller.cpp,
    // events/item_log.cpp).
    DefineCustomStringVariable(
        "workitem.on_behalf",
        "The capability a workitem_service acts with in this transaction: user, admin or reader.",
        "Set with SET LOCAL by a service acting for an end user: the call is then authorized as "
        "that user (or tenant administrator, or reader) in the current tenant, and the service "
        "role adds no right. Empty: full service rights. Other roles must leave it empty (WI403).",
        &on_behalf_setting, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable(
        "workitem.unmapped_roles",
        "What a non-service role without a row in workitem.role_tenant gets once the database "
        "maps any role to a tenant: refuse (WI403) or the tenant 'default'.",
        "In a database without any mapping every non-service role acts in 'default' whatever this "
        "says. 'default' keeps the behaviour of release 0.1.0 for single-tenant databases that "
        "map a few roles.",
        &unmapped_roles_setting, static_cast<int>(UnmappedRoles::refuse), unmapped_roles_options,
        PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "workitem.idempotency_retention", "How long idempotency keys are remembered.",
        "A retry with the same key within this time replays the original outcome.",
        &idempotency_retention_setting, 24 * 3600, 60, INT_MAX, PGC_SUSET, GUC_UNIT_S, nullptr,
        nullptr, nullptr);
    DefineCustomIntVariable("workitem.max_batch_size", "Most ids one batch call may name.",
                            "Larger batches are refused with WI422; split them.",
                            &max_batch_size_setting, 10000, 1, 1000000, PGC_SUSET, 0, nullptr,
                            nullptr, nullptr);
    DefineCustomEnumVariable(
        "workitem.claim_next_fronts",
        "Whether claim_next in a queue starts its scans where this backend's last claim found the "
        "first offered entry: auto (after a claim read many buffers), on, or off.",
        "Keeps claims short while a long transaction holds back vacuum and the taken entries pile "
        "up (docs/operations.md, Vacuum); the item claimed is the same either way.",
        &claim_next_fronts_setting, static_cast<int>(ClaimFronts::off), claim_next_fronts_options,
        PGC_USERSET, 0, nullptr, nullptr, nullptr);
    define_timer_settings();
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

const char* on_behalf() {
    if (on_behalf_setting == nullptr || on_behalf_setting[0] == '\0') return nullptr;
    for (const char* capability : {"user", "admin", "reader"}) {
        if (strcmp(on_behalf_setting, capability) == 0) return capability;
    }
    raise(core::ErrorCode::invalid_input,
          psprintf("workitem.on_behalf must be user, admin or reader, not \"%s\"",
                   pnstrdup(on_behalf_setting,
                            pg_mbcliplen(on_behalf_setting, strlen(on_behalf_setting), 40))),
          nullptr, "RESET workitem.on_behalf for full service rights.");
}

UnmappedRoles unmapped_roles() {
    return static_cast<UnmappedRoles>(unmapped_roles_setting);
}

const char* trace_context_for_event() {
    if (trace_context_setting == nullptr || trace_context_setting[0] == '\0') return nullptr;
    const size_t length = strlen(trace_context_setting);
    if (length > max_trace_context_bytes) {
        raise(core::ErrorCode::invalid_input,
              psprintf("workitem.trace_context is %zu bytes long, more than %d", length,
                       max_trace_context_bytes),
              nullptr,
              "Set a W3C traceparent (55 bytes), with a tracestate if need be; RESET "
              "workitem.trace_context to record none.");
    }
    return trace_context_setting;
}

double idempotency_retention_seconds() {
    return idempotency_retention_setting;
}

ClaimFronts claim_next_fronts() {
    return static_cast<ClaimFronts>(claim_next_fronts_setting);
}

int max_batch_size() {
    return max_batch_size_setting;
}

core::Limits current_limits() {
    core::Limits limits;
    limits.max_payload_bytes = static_cast<std::size_t>(max_payload_bytes_setting);
    return limits;
}

const char* timer_database() {
    return timer_database_setting;
}
int tick_interval_ms() {
    return tick_interval_setting;
}
int timer_batch_size() {
    return timer_batch_size_setting;
}

int timer_batch_delay_ms() {
    return timer_batch_delay_setting;
}
int max_lease_expiries() {
    return max_lease_expiries_setting;
}
int default_lease_seconds() {
    return default_lease_setting;
}
int item_retention_seconds() {
    return item_retention_setting;
}
int event_retention_seconds() {
    return event_retention_setting;
}
int event_consumer_max_hold_seconds() {
    return event_consumer_max_hold_setting;
}
int timer_probe_interval_seconds() {
    return timer_probe_interval_setting;
}
int timer_retry_seconds() {
    return timer_retry_setting;
}
int test_clock_offset_seconds() {
    return test_clock_offset_setting;
}

}  // namespace workitem::pg
