#include "creation/distribution_facts.hpp"

#include "policy/custom_validators.hpp"
#include "policy/feature_flags.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "common/md5.h"
#include "common/pg_prng.h"
#include "utils/fmgroids.h"
Datum workitem_assignment_principals(PG_FUNCTION_ARGS);
}

namespace workitem::pg {

namespace {

spi::Statement eligible_users{
    "SELECT e.user_id, e.held FROM ("
    "  SELECT u.user_id, u.capacity, (SELECT count(*)::int4 FROM workitem.item h "
    "      WHERE h.tenant_id = u.tenant_id AND h.owner = u.user_id "
    "        AND h.state IN ('allocated', 'started', 'suspended')) AS held "
    "    FROM workitem.directory_user u "
    "   WHERE u.tenant_id = $1 AND u.available AND (u.away_until IS NULL OR u.away_until <= now()) "
    "     AND (('u:' || u.user_id) = ANY ($2) OR EXISTS (SELECT FROM workitem.group_member m "
    "          WHERE m.tenant_id = u.tenant_id AND m.user_id = u.user_id "
    "            AND ('g:' || m.group_id) = ANY ($2))) "
    "     AND NOT (('u:' || u.user_id) = ANY ($3)) AND NOT EXISTS (SELECT FROM "
    "          workitem.group_member m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.user_id "
    "            AND ('g:' || m.group_id) = ANY ($3))) AS e "
    " WHERE e.capacity IS NULL OR e.held < e.capacity "
    " ORDER BY e.user_id COLLATE \"C\"",
    3,
    {TEXTOID, TEXTARRAYOID, TEXTARRAYOID},
    nullptr};

spi::Statement ensure_cursor{
    "INSERT INTO workitem.round_robin_cursor (tenant_id, task_name, distribution_set) "
    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement lock_cursor{
    "SELECT last_user FROM workitem.round_robin_cursor "
    "WHERE tenant_id = $1 AND task_name = $2 AND distribution_set = $3 FOR UPDATE",
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement advance_cursor{
    "UPDATE workitem.round_robin_cursor SET last_user = $4, updated_at = now() "
    "WHERE tenant_id = $1 AND task_name = $2 AND distribution_set = $3",
    4,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement familiar{
    "SELECT i.owner FROM workitem.item i WHERE i.tenant_id = $1 AND i.workflow_id = $2 "
    "AND (i.step_ref = $3 OR i.task_name = $3) AND i.state = 'completed' "
    "ORDER BY i.completed_at DESC LIMIT 1",
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};

spi::Statement custom_strategy{
    "SELECT function::oid FROM workitem.custom_strategy WHERE name = $1", 1, {TEXTOID}, nullptr};

Oid custom_strategy_function(const char* name) {
    Datum args[1] = {CStringGetTextDatum(name)};
    if (spi::execute(custom_strategy, args, nullptr, 1) == 0) return InvalidOid;
    bool is_null = false;
    return DatumGetObjectId(
        SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
}

// Asks a custom strategy f(task_name, workflow_id, input, eligible text[]) for its choice.
const char* ask_custom_strategy(Oid function_oid, const char* task_name, const char* workflow_id,
                                Jsonb* input, const DistributionRows& rows) {
    auto* users = static_cast<Datum*>(palloc(sizeof(Datum) * (rows.count + 1)));
    for (int i = 0; i < rows.count; ++i) users[i] = CStringGetTextDatum(rows.users[i]);
    // Checked at every run: ALTER FUNCTION may have changed it since its registration.
    check_custom_function(function_oid, "custom strategy", nullptr);
    FmgrInfo function;
    fmgr_info(function_oid, &function);
    LOCAL_FCINFO(arguments, 4);
    InitFunctionCallInfoData(*arguments, &function, 4, InvalidOid, nullptr, nullptr);
    arguments->args[0] = NullableDatum{CStringGetTextDatum(task_name), false};
    arguments->args[1] = NullableDatum{CStringGetTextDatum(workflow_id), false};
    arguments->args[2] = NullableDatum{input ? JsonbPGetDatum(input) : Datum(0), input == nullptr};
    arguments->args[3] = NullableDatum{
        PointerGetDatum(construct_array(users, rows.count, TEXTOID, -1, false, TYPALIGN_INT)),
        false};
    const Datum choice = FunctionCallInvoke(arguments);
    return arguments->isnull ? nullptr : TextDatumGetCString(choice);
}

Datum principals(Jsonb* assignment, const char* part) {
    return DirectFunctionCall2(workitem_assignment_principals, JsonbPGetDatum(assignment),
                               CStringGetTextDatum(part));
}

const char* text_field(JsonbContainer* container, const char* path0, const char* path1) {
    JsonbValue buffer;
    JsonbValue* value = getKeyJsonValueFromContainer(container, path0, strlen(path0), &buffer);
    if (value != nullptr && path1 != nullptr) {
        if (value->type != jbvBinary) return nullptr;
        JsonbValue inner;
        value = getKeyJsonValueFromContainer(value->val.binary.data, path1, strlen(path1), &inner);
        if (value == nullptr || value->type != jbvString) return nullptr;
        return pnstrdup(value->val.string.val, value->val.string.len);
    }
    if (value == nullptr || value->type != jbvString) return nullptr;
    return pnstrdup(value->val.string.val, value->val.string.len);
}

const char* first_text() {
    bool is_null = false;
    Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null);
    return is_null ? nullptr : TextDatumGetCString(value);
}

bool is_push(const char* strategy) {
    return strcmp(strategy, "round_robin") == 0 || strcmp(strategy, "shortest_queue") == 0 ||
           strcmp(strategy, "random") == 0 || strcmp(strategy, "retain_familiar") == 0;
}

}  // namespace

bool is_registered_custom_strategy(const char* name) {
    if (is_push(name) || strcmp(name, "offer") == 0 || strcmp(name, "direct") == 0) return false;
    spi::connect();
    const bool registered = OidIsValid(custom_strategy_function(name));
    spi::finish();
    return registered;
}

const char* strategy_of(Jsonb* assignment) {
    if (assignment == nullptr || !JB_ROOT_IS_OBJECT(assignment)) return "offer";
    const char* strategy = text_field(&assignment->root, "strategy", nullptr);
    return strategy ? strategy : "offer";
}

DistributionRows gather_distribution_facts(const char* tenant, const char* strategy,
                                           Jsonb* assignment, const char* workflow_id,
                                           const char* task_name, Jsonb* input) {
    DistributionRows rows{};
    const bool built_in =
        is_push(strategy) || strcmp(strategy, "offer") == 0 || strcmp(strategy, "direct") == 0;
    const Oid custom = built_in ? InvalidOid : custom_strategy_function(strategy);
    if ((!is_push(strategy) && !OidIsValid(custom)) || assignment == nullptr) return rows;
    if (OidIsValid(custom)) {
        require_flag(tenant, "custom_strategies");
        rows.custom_strategy = strategy;
    }
    rows.gathered = true;
    rows.task_name = task_name;

    const Datum candidates = principals(assignment, "potential_owners");
    Datum args[3] = {CStringGetTextDatum(tenant), candidates,
                     principals(assignment, "excluded_owners")};
    const uint64 found = spi::execute(eligible_users, args, nullptr, 0);
    rows.count = static_cast<int>(found);
    rows.users = static_cast<const char**>(palloc(sizeof(char*) * (found + 1)));
    rows.held_items = static_cast<int32*>(palloc(sizeof(int32) * (found + 1)));
    for (uint64 r = 0; r < found; ++r) {
        bool is_null = false;
        rows.users[r] = TextDatumGetCString(
            SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &is_null));
        rows.held_items[r] =
            DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &is_null));
    }

    if (OidIsValid(custom)) {
        rows.custom_choice = ask_custom_strategy(custom, task_name, workflow_id, input, rows);
    } else if (strcmp(strategy, "round_robin") == 0) {
        // One cursor per task and distribution set (the potential owners as named).
        const char* named = OidOutputFunctionCall(F_ARRAY_OUT, candidates);
        char* digest = static_cast<char*>(palloc(MD5_DIGEST_LENGTH * 2 + 1));
        const char* error = nullptr;
        if (!pg_md5_hash(named, strlen(named), digest, &error)) {
            elog(ERROR, "workitem: could not name the distribution set: %s", error);
        }
        rows.distribution_set = digest;
        Datum cursor_args[3] = {CStringGetTextDatum(tenant), CStringGetTextDatum(task_name),
                                CStringGetTextDatum(rows.distribution_set)};
        spi::execute(ensure_cursor, cursor_args, nullptr, 0);
        spi::execute(lock_cursor, cursor_args, nullptr, 1);
        rows.last_assigned = first_text();
    } else if (strcmp(strategy, "random") == 0) {
        rows.random_draw = pg_prng_uint64(&pg_global_prng_state);
    } else if (strcmp(strategy, "retain_familiar") == 0) {
        const char* step = text_field(&assignment->root, "constraints", "retain_familiar");
        if (step != nullptr) {
            Datum familiar_args[3] = {CStringGetTextDatum(tenant), CStringGetTextDatum(workflow_id),
                                      CStringGetTextDatum(step)};
            if (spi::execute(familiar, familiar_args, nullptr, 1) == 1) {
                rows.familiar_user = first_text();
            }
        }
    }
    return rows;
}

void remember_round_robin(const char* tenant, const DistributionRows& rows, const char* owner) {
    if (rows.distribution_set == nullptr || owner == nullptr) return;
    Datum args[4] = {CStringGetTextDatum(tenant), CStringGetTextDatum(rows.task_name),
                     CStringGetTextDatum(rows.distribution_set), CStringGetTextDatum(owner)};
    spi::execute(advance_cursor, args, nullptr, 0);
}

DistributionRows without_user(const DistributionRows& rows, const char* user) {
    DistributionRows rest = rows;
    rest.users = static_cast<const char**>(palloc(sizeof(char*) * (rows.count + 1)));
    rest.held_items = static_cast<int32*>(palloc(sizeof(int32) * (rows.count + 1)));
    rest.count = 0;
    for (int i = 0; i < rows.count; ++i) {
        if (strcmp(rows.users[i], user) == 0) continue;
        rest.users[rest.count] = rows.users[i];
        rest.held_items[rest.count] = rows.held_items[i];
        ++rest.count;
    }
    if (rest.custom_choice && strcmp(rest.custom_choice, user) == 0) rest.custom_choice = nullptr;
    if (rest.familiar_user && strcmp(rest.familiar_user, user) == 0) rest.familiar_user = nullptr;
    return rest;
}

core::DistributionFacts to_core_facts(const DistributionRows& rows) {
    core::DistributionFacts facts;
    for (int i = 0; i < rows.count; ++i)
        facts.eligible.push_back({rows.users[i], rows.held_items[i]});
    if (rows.last_assigned) facts.last_assigned = rows.last_assigned;
    facts.random_draw = rows.random_draw;
    if (rows.familiar_user) facts.familiar_user = rows.familiar_user;
    if (rows.custom_choice) facts.custom_choice = rows.custom_choice;
    return facts;
}

}  // namespace workitem::pg
