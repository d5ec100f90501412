#include "workitem/core/operation.hpp"

#include "runtime/boundary.hpp"
#include "policy/custom_validators.hpp"
#include "policy/feature_flags.hpp"
#include "runtime/table_cache.hpp"

extern "C" {
#include "catalog/pg_proc.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/varlena.h"
}

namespace workitem::pg {

namespace {

struct Registration {
    char* tenant;     // '*' for every tenant
    char* task_name;  // nullptr: every task
    char* operation;  // nullptr: every operation
    Oid function;
    char* function_name;
};

spi::Statement all_validators{
    "SELECT tenant_id, task_name, operation, function::oid, function::text "
    "FROM workitem.custom_validator ORDER BY id",
    0,
    {},
    nullptr};
spi::Statement whole_item{
    "SELECT i FROM workitem.item AS i WHERE i.id = $1", 1, {INT8OID}, nullptr};

void fill(Registration& registration, HeapTuple tuple, TupleDesc desc, MemoryContext memory) {
    bool is_null = false;
    registration.tenant = spi::text_column_in(memory, tuple, 1);
    registration.task_name = spi::text_column_in(memory, tuple, 2);
    registration.operation = spi::text_column_in(memory, tuple, 3);
    registration.function = DatumGetObjectId(SPI_getbinval(tuple, desc, 4, &is_null));
    registration.function_name = spi::text_column_in(memory, tuple, 5);
}

TableCache<Registration> registry("custom_validator", all_validators, fill);

bool matches(const Registration& r, const char* tenant, const char* task, const char* operation) {
    return (strcmp(r.tenant, "*") == 0 || strcmp(r.tenant, tenant) == 0) &&
           (r.task_name == nullptr || strcmp(r.task_name, task) == 0) &&
           (r.operation == nullptr || strcmp(r.operation, operation) == 0);
}

}  // namespace

namespace {

Datum read_whole_item(const void* id) {
    Datum args[1] = {Int64GetDatum(*static_cast<const int64*>(id))};
    spi::execute(whole_item, args, nullptr, 1);
    bool is_null = false;
    return spi::first_column(0, &is_null);
}

// The first denial among the validators matching (tenant, task, operation). The workitem.item
// they see is made by `make_item(context)` when the first one matches (none: no query).
const char* first_denial(const char* tenant, const char* task_name, const char* operation,
                         const char* actor, ItemMaker make_item, const void* context) {
    Datum item = Datum(0);
    const std::span<const Registration> registrations = registry.rows();
    if (registrations.empty() || !flag_enabled(tenant, "custom_validators")) return nullptr;
    for (const Registration& r : registrations) {
        if (!matches(r, tenant, task_name, operation)) continue;
        if (item == Datum(0)) item = make_item(context);
        // Checked at every run, not only at registration: ALTER FUNCTION (OWNER, SECURITY,
        // SET/RESET) may have changed it since. Two syscache lookups, with validators only.
        check_custom_function(r.function, "custom validator", r.function_name);
        // A validator that raises an error fails the call with that error, as any SQL would.
        FmgrInfo function;
        fmgr_info(r.function, &function);
        LOCAL_FCINFO(arguments, 3);
        InitFunctionCallInfoData(*arguments, &function, 3, InvalidOid, nullptr, nullptr);
        arguments->args[0] = NullableDatum{item, false};
        arguments->args[1] = NullableDatum{CStringGetTextDatum(operation), false};
        arguments->args[2] = NullableDatum{CStringGetTextDatum(actor), false};
        const Datum reason = FunctionCallInvoke(arguments);
        if (!arguments->isnull) {
            return psprintf("%s (validator %s)", TextDatumGetCString(reason), r.function_name);
        }
    }
    return nullptr;
}

}  // namespace

namespace {

// The function's own pinned search_path (its proconfig's search_path=...), or nullptr.
const char* pinned_search_path(HeapTuple proc_tuple) {
    bool is_null = false;
    const Datum config = SysCacheGetAttr(PROCOID, proc_tuple, Anum_pg_proc_proconfig, &is_null);
    if (is_null) return nullptr;
    Datum* settings = nullptr;
    int count = 0;
    deconstruct_array(DatumGetArrayTypeP(config), TEXTOID, -1, false, TYPALIGN_INT, &settings,
                      nullptr, &count);
    constexpr const char prefix[] = "search_path=";
    for (int i = 0; i < count; ++i) {
        const char* setting = TextDatumGetCString(settings[i]);
        if (strncmp(setting, prefix, sizeof(prefix) - 1) == 0) return setting + sizeof(prefix) - 1;
    }
    return nullptr;
}

// pg_temp named last: without it PostgreSQL searches the caller's temporary schema first for
// relations, so a temp table of the caller would shadow an unqualified name.
bool ends_with_pg_temp(const char* search_path) {
    List* schemas = nullptr;
    if (!SplitIdentifierString(pstrdup(search_path), ',', &schemas) || schemas == nullptr) {
        return false;
    }
    return strcmp(static_cast<const char*>(llast(schemas)), "pg_temp") == 0;
}

}  // namespace

const char* custom_function_problem(Oid function) {
    HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
    if (!HeapTupleIsValid(tuple)) return "the function no longer exists";
    const auto* proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
    const bool owned_by_superuser = superuser_arg(proc->proowner);
    const bool definer = proc->prosecdef;
    const char* search_path = pinned_search_path(tuple);
    ReleaseSysCache(tuple);
    // Called from inside the SECURITY DEFINER workitem functions, a plain function runs as the
    // extension owner (a superuser): only a superuser's function may, anything else must run
    // as its owner.
    if (!owned_by_superuser && !definer) {
        return "it is owned by a role that is not a superuser and is not SECURITY DEFINER, so it "
               "would run with the extension owner's rights; make it SECURITY DEFINER (it then "
               "runs as its owner) or have a superuser own it";
    }
    if (search_path == nullptr) {
        return "it has no search_path of its own and would use the calling function's; add "
               "SET search_path = <its schemas>, pg_temp to the function";
    }
    if (!ends_with_pg_temp(search_path)) {
        return "its search_path does not end with pg_temp, so a caller's temporary table could "
               "shadow the names it uses; name pg_temp last in its SET search_path";
    }
    return nullptr;
}

void check_custom_function(Oid function, const char* kind, const char* name) {
    const char* problem = custom_function_problem(function);
    if (problem == nullptr) return;
    if (name == nullptr) name = format_procedure(function);
    raise(core::ErrorCode::invalid_input, psprintf("%s %s may not run: %s", kind, name, problem),
          nullptr,
          "Custom validators and strategies run inside the workitem functions: they must not run "
          "with more rights than their owner's, and must pin their own search_path.");
}

namespace {

// claim_next is a claim of the item it found: validators registered for claim judge it.
const char* judged_operation(const TransitionCall& call) {
    const core::Operation judged =
        call.operation == core::Operation::claim_next ? core::Operation::claim : call.operation;
    return core::to_string(judged).data();
}

}  // namespace

const char* custom_denial(const char* tenant, const TransitionCall& call, const ItemRow& row) {
    return first_denial(tenant, row.task_name, judged_operation(call), call.actor, read_whole_item,
                        &row.id);
}

bool custom_validators_registered(const char* tenant, const TransitionCall& call,
                                  const ItemRow& row) {
    const char* operation = judged_operation(call);
    for (const Registration& registration : registry.rows()) {
        if (matches(registration, tenant, row.task_name, operation)) return true;
    }
    return false;
}

const char* custom_create_denial(const char* tenant, const char* task_name, const char* actor,
                                 ItemMaker make_would_be_item, const void* context) {
    return first_denial(tenant, task_name, "create", actor, make_would_be_item, context);
}

void check_custom_validators(const char* tenant, const TransitionCall& call, const ItemRow& row) {
    const char* denial = custom_denial(tenant, call, row);
    if (denial == nullptr) return;
    raise(core::ErrorCode::denied_by_validator, denial,
          psprintf("item %ld, operation %s", row.id, core::to_string(call.operation).data()),
          "A custom validator registered for this task refused the operation.");
}

void register_custom_validator_callbacks() {
    registry.register_callback();
}

}  // namespace workitem::pg
