// set-flag, set-lease-default, set-task-form, task-form, register-validator, unregister-validator,
// register-strategy, tick.
#include "context.hpp"

#include <iostream>

namespace workitem::cli {
namespace {

void add_set_flag(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string name;
        bool enabled{};
        std::string tenant;
        CLI::Option* tenant_option{};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "set-flag", "Switch a feature on or off, for the whole database or one tenant");
    command->add_option("name", flags->name, "strategy.<name>, idempotency, custom_validators, ...")
        ->required();
    command->add_option("state", flags->enabled, "on or off")
        ->required()
        ->transform(CLI::IsMember(std::map<std::string, bool>{{"on", true}, {"off", false}}));
    // Not --tenant: that global option says which tenant the call acts in.
    flags->tenant_option =
        command->add_option("--for-tenant", flags->tenant,
                            "Only for this tenant (its setting wins over the database's)");
    registry.on(command, [flags](Context& context) {
        const auto flag = context.client().set_flag(
            flags->name, flags->enabled, {.tenant = given(flags->tenant_option, flags->tenant)});
        print_fields(
            std::cout,
            {{"tenant_id", flag.tenant_id}, {"name", flag.name}, {"enabled", flag.enabled}},
            context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_set_lease_default(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string queue;
        std::string task;
        int lease_seconds{};
        CLI::Option* queue_option{};
        CLI::Option* task_option{};
        CLI::Option* lease_option{};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "set-lease-default",
        "Set or remove the default lease of workers' claims in a queue or of a task (a task's "
        "wins over its queue's; without either, workitem.default_lease_seconds)");
    flags->queue_option = command->add_option("--queue", flags->queue, "The queue's default");
    flags->task_option = command->add_option("--task", flags->task, "The task's default");
    flags->queue_option->excludes(flags->task_option);
    flags->lease_option = command->add_option("--lease-seconds", flags->lease_seconds,
                                              "The lease; without it the default is removed");
    registry.on(command, [flags](Context& context) {
        const auto replaced = context.client().set_lease_default(
            {.queue = given(flags->queue_option, flags->queue),
             .task_name = given(flags->task_option, flags->task)},
            given(flags->lease_option, flags->lease_seconds));
        print_fields(std::cout,
                     {{"replaced_lease_seconds",
                       replaced ? nlohmann::json(*replaced) : nlohmann::json(nullptr)}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
}

// A schema as the database returns it (jsonb text), or null.
nlohmann::json schema_json(const std::optional<std::string>& schema) {
    return schema ? nlohmann::json::parse(*schema) : nlohmann::json(nullptr);
}

void add_task_forms(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string task;
        std::string schema;
        CLI::Option* schema_option{};
    };
    auto flags = std::make_shared<Flags>();
    auto* set = app.add_subcommand(
        "set-task-form",
        "Set or remove the form of a task: the JSON Schema of its output that the task inbox "
        "renders (docs/tasklist.md)");
    set->add_option("--task", flags->task, "The task's name")->required();
    flags->schema_option =
        set->add_option("--output-schema", flags->schema,
                        "The JSON Schema (an object); without it the form is removed");
    registry.on(set, [flags](Context& context) {
        const auto replaced =
            context.client().set_task_form(flags->task, given(flags->schema_option, flags->schema));
        print_fields(std::cout, {{"replaced_output_schema", schema_json(replaced)}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
    auto* show = app.add_subcommand("task-form", "Show the form of a task (null: it has none)");
    show->add_option("--task", flags->task, "The task's name")->required();
    registry.on(show, [flags](Context& context) {
        const auto schema = context.client().task_form(flags->task);
        print_fields(std::cout,
                     {{"task_name", flags->task}, {"output_schema", schema_json(schema)}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_validators(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string function;
        ValidatorScope scope;
    };
    auto flags = std::make_shared<Flags>();
    auto* add = app.add_subcommand(
        "register-validator",
        "Register a custom validator f(item workitem.item, operation text, actor text) RETURNS "
        "text (superusers only)");
    add->add_option("function", flags->function, "The function's name")->required();
    add->add_option("--task", flags->scope.task_name, "Only for this task (default: every task)");
    add->add_option("--operation", flags->scope.operation,
                    "Only for this operation (default: every operation on an item)");
    add->add_option("--for-tenant", flags->scope.tenant,
                    "Only in this tenant (default: every one)");
    registry.on(add, [flags](Context& context) {
        const auto validator = context.client().register_validator(flags->function, flags->scope);
        print_fields(std::cout,
                     {{"id", validator.id},
                      {"tenant_id", validator.tenant_id},
                      {"task_name", validator.task_name.value_or("*")},
                      {"operation", validator.operation.value_or("*")},
                      {"function", validator.function}},
                     context.format());
        return static_cast<int>(exit_ok);
    });

    auto id = std::make_shared<std::int64_t>();
    auto* remove = app.add_subcommand(
        "unregister-validator", "Remove a custom validator by the id register-validator gave");
    remove->add_option("id", *id, "The validator's id")->required();
    registry.on(remove, [id](Context& context) {
        const bool existed = context.client().unregister_validator(*id);
        print_fields(std::cout, {{"id", *id}, {"removed", existed}}, context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_register_strategy(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string name, function;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "register-strategy",
        "Register (or replace) a custom distribution strategy f(task_name text, workflow_id "
        "text, input jsonb, eligible text[]) RETURNS text (superusers only)");
    command->add_option("name", flags->name, "The name assignments use")->required();
    command->add_option("function", flags->function, "The function's name")->required();
    registry.on(command, [flags](Context& context) {
        const auto strategy = context.client().register_strategy(flags->name, flags->function);
        print_fields(std::cout, {{"name", strategy.name}, {"function", strategy.function}},
                     context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_tick(CLI::App& app, Registry& registry) {
    auto max_items = std::make_shared<int>(1000);
    auto* command = app.add_subcommand(
        "tick",
        "Do the timer's work once (activate, resume, expire, return leases, deadlines, purge), "
        "as the background worker does every workitem.tick_interval");
    command->add_option("--max-items", *max_items, "At most this many items per kind of action")
        ->default_val(1000);
    registry.on(command, [max_items](Context& context) {
        const auto rows = context.client().tick(*max_items);
        context.print_list(rows, tick_table(rows));
        return static_cast<int>(exit_ok);
    });
}

// Fields of the input declared for search (docs/search.md, Declaring fields).
void add_index_fields(CLI::App& app, Registry& registry) {
    struct Flags {
        std::optional<std::string> task;
        std::string field, type;
    };
    auto flags = std::make_shared<Flags>();
    auto* declare = app.add_subcommand(
        "index-field",
        "Declare a field of the input for search filters and sorts (--fields, --sort "
        "field:<name>); fills the existing items");
    declare->add_option("--task", flags->task, "Only for this task (default: every task)");
    declare->add_option("--field", flags->field, "A key path: amount, customer.tier")->required();
    declare->add_option("--type", flags->type, "numeric, text or timestamptz")->required();
    registry.on(declare, [flags](Context& context) {
        const auto filled = context.client().index_field(flags->task, flags->field, flags->type);
        print_fields(std::cout, {{"field", flags->field}, {"filled", filled}}, context.format());
        return static_cast<int>(exit_ok);
    });

    auto* drop = app.add_subcommand("drop-index-field", "Drop a declaration of index-field");
    drop->add_option("--task", flags->task, "The task it was declared for (default: every task)");
    drop->add_option("--field", flags->field, "The field's key path")->required();
    registry.on(drop, [flags](Context& context) {
        const bool dropped = context.client().drop_index_field(flags->task, flags->field);
        print_fields(std::cout, {{"field", flags->field}, {"dropped", dropped}}, context.format());
        return static_cast<int>(exit_ok);
    });

    auto* show = app.add_subcommand("index-fields", "The declared fields of the tenant");
    registry.on(show, [](Context& context) {
        const auto fields = context.client().index_fields();
        context.print_list(fields, indexed_field_table(fields));
        return static_cast<int>(exit_ok);
    });
}

}  // namespace

void add_admin_commands(CLI::App& app, Registry& registry) {
    add_set_flag(app, registry);
    add_set_lease_default(app, registry);
    add_task_forms(app, registry);
    add_validators(app, registry);
    add_register_strategy(app, registry);
    add_tick(app, registry);
    add_index_fields(app, registry);
}

}  // namespace workitem::cli
