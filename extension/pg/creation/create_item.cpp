#include <string_view>
#include <vector>

#include "workitem/core/decide.hpp"

#include "runtime/boundary.hpp"
#include "events/change_context.hpp"
#include "creation/create_item.hpp"
#include "item/deadlines.hpp"
#include "policy/constraints.hpp"
#include "policy/custom_validators.hpp"
#include "creation/distribution_facts.hpp"
#include "policy/feature_flags.hpp"
#include "policy/hashing.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

// Where plan_create placed the item, or why it refused, as plain data.
struct Placement {
    bool ok;
    int sqlerrcode;
    const char* message;
    const char* detail;
    const char* hint;
    const char* state;
    const char* owner;
    bool has_lease_seconds;
    int32 lease_seconds;
    bool has_lease_until;
    TimestampTz lease_until;
};

// The 21 parameters of a new item ($1 tenant ... $21 deadlines), the same for the row a custom
// validator judges before the insert and for the insert itself.
#define WORKITEM_NEW_ITEM_PARAMETER_TYPES                                                          \
    {                                                                                              \
        TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, JSONBOID, TEXTOID, \
            JSONBOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, BOOLOID,     \
            INT4OID, TIMESTAMPTZOID, TEXTOID, BYTEAOID, JSONBOID                                   \
    }

// The item a create would insert, for the custom validators registered for 'create' (the same
// parameters as insert_item; the columns the item_log trigger derives are derived the same way).
spi::Statement would_be_item{
    "SELECT jsonb_populate_record(NULL::workitem.item, jsonb_build_object("
    "'tenant_id', $1, 'workflow_id', $2, 'run_id', $3, 'step_ref', $4, 'task_name', $5, "
    "'queue', $6, 'state', $7, 'priority', $8, 'assignment', coalesce($9, '{}'), 'owner', $10, "
    "'input', $11, 'activate_at', $12, 'due_at', $13, 'follow_up_at', $14, 'expires_at', $15, "
    "'skippable', $16, 'lease_seconds', $17, 'lease_until', $18, 'created_by', $19, "
    "'deadlines', coalesce($21, '[]'), 'version', 1, 'created_at', now(), 'updated_at', now(), "
    "'delegation_state', 'none', 'escalation_level', 0, 'lease_expiries', 0, "
    "'candidates', workitem.assignment_principals(coalesce($9, '{}'), 'potential_owners'), "
    "'excluded', workitem.assignment_principals(coalesce($9, '{}'), 'excluded_owners'), "
    "'administrators', workitem.assignment_principals(coalesce($9, '{}'), 'administrators')))",
    21, WORKITEM_NEW_ITEM_PARAMETER_TYPES, nullptr};

spi::Statement insert_item{
    "INSERT INTO workitem.item AS i (tenant_id, workflow_id, run_id, step_ref, task_name, queue, "
    "state, priority, assignment, owner, input, activate_at, due_at, follow_up_at, expires_at, "
    "skippable, lease_seconds, lease_until, created_by, create_request_hash, deadlines) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::workitem.state, $8, coalesce($9, '{}'), $10, $11, $12, "
    "$13, $14, $15, $16, $17, $18, $19, $20, coalesce($21, '[]')) RETURNING i",
    21, WORKITEM_NEW_ITEM_PARAMETER_TYPES, nullptr};

spi::Statement find_step{
    "SELECT i, i.create_request_hash FROM workitem.item i "
    "WHERE i.tenant_id = $1 AND i.workflow_id = $2 AND i.step_ref = $3",
    3,
    {TEXTOID, TEXTOID, TEXTOID},
    nullptr};

std::optional<core::Timestamp> core_time(const OptionalTime& t) {
    if (!t.present) return std::nullopt;
    return to_core_time(t.value);
}

std::optional<std::string_view> view(const char* text) {
    if (text == nullptr) return std::nullopt;
    return std::string_view{text};
}

const char* jsonb_text(Jsonb* document) {
    return document ? JsonbToCString(nullptr, &document->root, VARSIZE(document)) : nullptr;
}

void add_time(Sha256& hash, const OptionalTime& t) {
    if (!t.present) return hash.add_text(nullptr);
    hash.add(&t.value, sizeof t.value);
}

// What makes two creates "the same request": every attribute of the item, not who asked.
bytea* create_fingerprint(const CreateArgs& args) {
    Sha256 hash;
    hash.add_text(args.workflow_id);
    hash.add_text(args.task_name);
    hash.add_text(jsonb_text(args.assignment));
    hash.add_text(jsonb_text(args.input));
    hash.add(&args.priority, sizeof args.priority);
    hash.add_text(args.queue);
    add_time(hash, args.due_at);
    add_time(hash, args.activate_at);
    add_time(hash, args.expires_at);
    add_time(hash, args.follow_up_at);
    hash.add(&args.skippable, sizeof args.skippable);
    hash.add_text(args.step_ref);
    hash.add_text(args.run_id);
    hash.add_text(jsonb_text(args.deadlines));
    return hash.finish();
}

Placement plan(const CreateArgs& args, const DistributionRows& rows, const char* custom_strategy) {
    const core::Limits limits = current_limits();
    const core::Timestamp now = core_now();
    const char* assignment_text =
        args.assignment ? JsonbToCString(nullptr, &args.assignment->root, VARSIZE(args.assignment))
                        : "{}";
    const char* deadlines_text = jsonb_text(args.deadlines);
    return cpp_boundary([&]() -> core::Result<Placement> {
        core::CreateCommand command;
        command.workflow_id = args.workflow_id ? args.workflow_id : "";
        command.task_name = args.task_name ? args.task_name : "";
        command.run_id = view(args.run_id);
        command.step_ref = view(args.step_ref);
        command.queue = view(args.queue);
        command.assignment = assignment_text;
        if (args.input) command.input_bytes = VARSIZE(args.input);
        command.priority = args.priority;
        command.due_at = core_time(args.due_at);
        command.activate_at = core_time(args.activate_at);
        command.expires_at = core_time(args.expires_at);
        command.follow_up_at = core_time(args.follow_up_at);
        if (deadlines_text) command.deadlines = deadlines_text;
        command.skippable = args.skippable;
        core::Actor creator;
        creator.id = args.actor;
        creator.acts_as_service = args.creator_is_service;
        creator.is_tenant_admin = args.creator_is_admin;
        std::vector<std::string_view> custom;
        if (custom_strategy) custom.emplace_back(custom_strategy);
        auto planned =
            core::plan_create(command, creator, limits, now, to_core_facts(rows), custom);
        Placement p{};
        if (!planned) {
            const Failure failure = failure_from(planned.error());
            p.sqlerrcode = failure.sqlerrcode;
            p.message = failure.message;
            p.detail = failure.detail;
            p.hint = failure.hint;
            return p;
        }
        p.ok = true;
        p.state = core::to_string(planned->state).data();  // static, NUL-terminated
        p.owner = planned->owner ? copy_to_palloc(*planned->owner) : nullptr;
        p.has_lease_seconds = planned->lease_seconds.has_value();
        p.lease_seconds = planned->lease_seconds.value_or(0);
        p.has_lease_until = planned->lease_until.has_value();
        if (planned->lease_until) p.lease_until = to_pg_time(*planned->lease_until);
        return p;
    });
}

CreateOutcome refused(const Placement& p, bool report) {
    if (!report) raise(Failure{p.sqlerrcode, p.message, p.detail, p.hint});
    return CreateOutcome{false, Datum(0), p.sqlerrcode, p.message};
}

// An existing item for the same (workflow_id, step_ref): the same request gets it back.
bool find_existing_step(const char* tenant, const CreateArgs& args, bytea* fingerprint, bool report,
                        CreateOutcome* outcome) {
    // Length-prefixed, so that no tenant, workflow and step spell another's.
    lock_name_for_transaction(psprintf("step/%zu:%s/%zu:%s/%s", strlen(tenant), tenant,
                                       strlen(args.workflow_id), args.workflow_id, args.step_ref));
    Datum find_args[3] = {CStringGetTextDatum(tenant), CStringGetTextDatum(args.workflow_id),
                          CStringGetTextDatum(args.step_ref)};
    if (spi::execute(find_step, find_args, nullptr, 1) == 0) return false;

    bool is_null = false;
    HeapTuple row = SPI_tuptable->vals[0];
    Datum stored = spi::column(row, 2, &is_null);
    const bool same = !is_null && same_digest(DatumGetByteaPP(stored), fingerprint);
    if (same) {
        *outcome = CreateOutcome{true, spi::first_column_of(row, 1, &is_null), 0, nullptr};
        return true;
    }
    const char* message =
        psprintf("workflow %s already has a step %s, created with a different request",
                 args.workflow_id, args.step_ref);
    if (!report) {
        raise(core::ErrorCode::idempotency_key_reused, message,
              "(workflow_id, step_ref) names one item; a retry must repeat the same request.",
              "Use another step_ref for another item.");
    }
    *outcome = CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::idempotency_key_reused),
                             message};
    return true;
}

struct InsertParameters {
    const Datum* values;
    const char* nulls;
};

Datum make_would_be_item(const void* context) {
    const auto* parameters = static_cast<const InsertParameters*>(context);
    spi::execute(would_be_item, parameters->values, parameters->nulls, 1);
    bool is_null = false;
    return spi::first_column(0, &is_null);
}

}  // namespace

CreateOutcome create_item(const char* tenant, const CreateArgs& args, bool report_refusals) {
    const char* strategy_flag = psprintf("strategy.%s", strategy_of(args.assignment));
    if (is_known_flag(strategy_flag) && !flag_enabled(tenant, strategy_flag)) {
        if (!report_refusals) require_flag(tenant, strategy_flag);
        return CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::feature_disabled),
                             psprintf("feature \"%s\" is switched off", strategy_flag)};
    }
    // A push strategy chooses among the directory's eligible users (none needed to wait).
    const bool waits =
        args.activate_at.present && args.activate_at.value > GetCurrentTransactionStartTimestamp();
    DistributionRows rows =
        waits || args.workflow_id == nullptr || args.task_name == nullptr
            ? DistributionRows{}
            : gather_distribution_facts(tenant, strategy_of(args.assignment), args.assignment,
                                        args.workflow_id, args.task_name, args.input);
    const char* strategy = strategy_of(args.assignment);
    const char* custom_strategy = is_registered_custom_strategy(strategy) ? strategy : nullptr;
    Placement placement = plan(args, rows, custom_strategy);
    // The held items were counted without a lock; the chosen user is checked again under the
    // capacity lock, and when a concurrent create or claim took their last slot the strategy
    // chooses again among the others.
    while (rows.gathered && placement.ok && placement.owner != nullptr &&
           !reserve_capacity(tenant, placement.owner)) {
        rows = without_user(rows, placement.owner);
        placement = plan(args, rows, custom_strategy);
    }
    if (!placement.ok) return refused(placement, report_refusals);
    const char* deadline_refusal = nullptr;
    Jsonb* deadlines =
        args.deadlines == nullptr
            ? nullptr
            : stored_deadlines_from(args.deadlines, GetCurrentTransactionStartTimestamp(),
                                    report_refusals ? &deadline_refusal : nullptr);
    if (deadline_refusal != nullptr) {
        return CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::invalid_input),
                             deadline_refusal};
    }

    bytea* fingerprint = create_fingerprint(args);
    CreateOutcome existing{};
    if (args.step_ref != nullptr &&
        find_existing_step(tenant, args, fingerprint, report_refusals, &existing)) {
        return existing;
    }

    spi::Arguments<21> row;
    row.add_text(tenant)
        .add_text(args.workflow_id)
        .add_text(args.run_id)
        .add_text(args.step_ref)
        .add_text(args.task_name)
        .add_text(args.queue)
        .add_text(placement.state)
        .add(Int32GetDatum(args.priority))
        .add_if(args.assignment != nullptr, JsonbPGetDatum(args.assignment))
        .add_text(placement.owner)
        .add_if(args.input != nullptr, JsonbPGetDatum(args.input))
        .add_if(args.activate_at.present, TimestampTzGetDatum(args.activate_at.value))
        .add_if(args.due_at.present, TimestampTzGetDatum(args.due_at.value))
        .add_if(args.follow_up_at.present, TimestampTzGetDatum(args.follow_up_at.value))
        .add_if(args.expires_at.present, TimestampTzGetDatum(args.expires_at.value))
        .add(BoolGetDatum(args.skippable))
        .add_if(placement.has_lease_seconds, Int32GetDatum(placement.lease_seconds))
        .add_if(placement.has_lease_until, TimestampTzGetDatum(placement.lease_until))
        .add_text(args.actor)
        .add(PointerGetDatum(fingerprint))
        .add_if(deadlines != nullptr, JsonbPGetDatum(deadlines));

    const InsertParameters parameters{row.values(), row.nulls()};
    const char* denial =
        custom_create_denial(tenant, args.task_name, args.actor, make_would_be_item, &parameters);
    if (denial != nullptr) {
        if (!report_refusals) {
            raise(core::ErrorCode::denied_by_validator, denial,
                  psprintf("workflow %s, task %s, operation create", args.workflow_id,
                           args.task_name),
                  "A custom validator registered for this task refused the operation.");
        }
        return CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::denied_by_validator),
                             denial};
    }

    begin_change(PendingChange{0, core::Operation::create, args.actor, nullptr,
                               args.idempotency_key, true, true, args.capability});
    spi::execute(insert_item, row, 1);
    end_change();
    bool is_null = false;
    const Datum item = spi::first_column(0, &is_null);
    remember_round_robin(tenant, rows, placement.owner);
    return CreateOutcome{true, item, 0, nullptr};
}

}  // namespace workitem::pg
