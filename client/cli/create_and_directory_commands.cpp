// create, create-many, put-user, put-users.
#include "context.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace workitem::cli {
namespace {

using nlohmann::json;

json read_json_file(const std::string& path) {
    std::stringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();
    } else {
        std::ifstream file(path);
        if (!file) throw_error(ErrorKind::invalid_argument, "cannot read " + path);
        text << file.rdbuf();
    }
    try {
        return json::parse(text.str());
    } catch (const json::parse_error& error) {
        throw_error(ErrorKind::invalid_argument, path + " is not JSON: " + error.what());
    }
}

template <class T>
std::optional<T> optional_field(const json& object, const char* key) {
    if (!object.contains(key) || object[key].is_null()) return std::nullopt;
    return object[key].get<T>();
}

std::optional<std::string> document_field(const json& object, const char* key) {
    if (!object.contains(key) || object[key].is_null()) return std::nullopt;
    return object[key].dump();
}

std::optional<Timestamp> time_field(const json& object, const char* key) {
    auto text = optional_field<std::string>(object, key);
    return text ? std::optional(parse_timestamp(*text)) : std::nullopt;
}

CreateCommand create_command_from(const json& element) {
    return CreateCommand{
        .workflow_id = element.value("workflow_id", ""),
        .task_name = element.value("task_name", ""),
        .assignment = {.json = element.contains("assignment") ? element["assignment"].dump() : ""},
        .input = document_field(element, "input"),
        .priority = element.value("priority", 0),
        .queue = optional_field<std::string>(element, "queue"),
        .due_at = time_field(element, "due_at"),
        .activate_at = time_field(element, "activate_at"),
        .expires_at = time_field(element, "expires_at"),
        .skippable = element.value("skippable", false),
        .step_ref = optional_field<std::string>(element, "step_ref"),
        .run_id = optional_field<std::string>(element, "run_id"),
        .follow_up_at = time_field(element, "follow_up_at")};
}

PutUserCommand user_from(const json& element) {
    return PutUserCommand{.user_id = element.value("user_id", ""),
                          .groups = element.value("groups", std::vector<std::string>{}),
                          .capacity = optional_field<int>(element, "capacity"),
                          .available = element.value("available", true),
                          .away_until = time_field(element, "away_until")};
}

void add_create(CLI::App& app, Registry& registry) {
    struct Flags {
        CreateCommand command;
        AssignmentFlags people;
        std::string due_at, activate_at, expires_at, follow_up_at;
        CLI::Option *due{}, *activate{}, *expires{}, *follow_up{};
    };
    auto flags = std::make_shared<Flags>();
    auto& c = flags->command;
    auto* command = app.add_subcommand("create", "Create a work item");
    command->add_option("--workflow", c.workflow_id, "The owning workflow's id")->required();
    command->add_option("--task", c.task_name, "What kind of work")->required();
    flags->people.add_to(*command);
    command->add_option("--input", c.input, "The work's input (JSON)");
    command->add_option("--priority", c.priority, "Higher first")->default_val(0);
    command->add_option("--queue", c.queue, "The queue claim-next takes it from");
    flags->due = command->add_option("--due-at", flags->due_at, "Due date (ISO 8601)");
    flags->activate = command->add_option("--activate-at", flags->activate_at,
                                          "Wait in state created until then");
    flags->expires =
        command->add_option("--expires-at", flags->expires_at, "Expires then (ISO 8601)");
    flags->follow_up =
        command->add_option("--follow-up-at", flags->follow_up_at, "Follow-up date (ISO 8601)");
    command->add_flag("--skippable", c.skippable, "The initiator or an administrator may skip it");
    command->add_option("--step-ref", c.step_ref,
                        "The workflow's step: a repeated create returns the same item");
    command->add_option("--run-id", c.run_id, "The workflow run");
    command->add_option("--actor", c.actor, "The initiator (default: the login role)");
    command->add_option("--key", c.idempotency_key, "Idempotency key");
    registry.on(command, [flags](Context& context) {
        CreateCommand create = flags->command;
        create.assignment = flags->people.assignment();
        create.due_at = given_time(flags->due, flags->due_at);
        create.activate_at = given_time(flags->activate, flags->activate_at);
        create.expires_at = given_time(flags->expires, flags->expires_at);
        create.follow_up_at = given_time(flags->follow_up, flags->follow_up_at);
        return context.print(context.client().create(create));
    });
}

void add_create_many(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string path;
        CreateManyOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "create-many",
        "Create many items from a JSON array of create's fields (workflow_id, task_name, ...)");
    command->add_option("file", flags->path, "The JSON file, - for standard input")->required();
    command->add_option("--actor", flags->options.actor, "The initiator");
    command->add_option("--key", flags->options.idempotency_key,
                        "Idempotency key (covers the whole call)");
    registry.on(command, [flags](Context& context) {
        const json elements = read_json_file(flags->path);
        if (!elements.is_array())
            throw_error(ErrorKind::invalid_argument, "create-many reads a JSON array");
        std::vector<CreateCommand> commands;
        for (const auto& element : elements) commands.push_back(create_command_from(element));
        const auto rows = context.client().create_many(commands, flags->options);
        context.print_list(rows, create_many_table(rows));
        for (const auto& row : rows) {
            if (!row.ok) return static_cast<int>(exit_partly_refused);
        }
        return static_cast<int>(exit_ok);
    });
}

void print_user(Context& context, const DirectoryUser& user) {
    if (context.as_json()) {
        std::cout << to_json(user).dump(2) << '\n';
        return;
    }
    print(std::cout, Table{{"user", "available", "capacity"},
                           {{user.user_id, user.available ? "yes" : "no",
                             user.capacity ? std::to_string(*user.capacity) : ""}}});
}

void add_put_user(CLI::App& app, Registry& registry) {
    struct Flags {
        PutUserCommand user;
        bool unavailable{false};
        std::string away_until;
        CLI::Option* away{};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand("put-user", "Create or replace a directory user");
    command->add_option("user", flags->user.user_id, "The user's id")->required();
    command->add_option("--group", flags->user.groups, "A group (repeatable; the full list)");
    command->add_option("--capacity", flags->user.capacity, "Most active items held at once");
    command->add_flag("--unavailable", flags->unavailable, "Not available for push strategies");
    flags->away =
        command->add_option("--away-until", flags->away_until, "Away until then (ISO 8601)");
    registry.on(command, [flags](Context& context) {
        PutUserCommand user = flags->user;
        user.available = !flags->unavailable;
        user.away_until = given_time(flags->away, flags->away_until);
        print_user(context, context.client().put_user(user));
        return static_cast<int>(exit_ok);
    });
}

void add_put_users(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string path;
        bool replace_all{false};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand("put-users",
                                       "Sync many directory users from a JSON array of {user_id, "
                                       "groups, capacity, available, away_until}");
    command->add_option("file", flags->path, "The JSON file, - for standard input")->required();
    command->add_flag("--replace-all", flags->replace_all,
                      "Also remove the tenant's users not named");
    registry.on(command, [flags](Context& context) {
        const json elements = read_json_file(flags->path);
        if (!elements.is_array())
            throw_error(ErrorKind::invalid_argument, "put-users reads a JSON array");
        std::vector<PutUserCommand> users;
        for (const auto& element : elements) users.push_back(user_from(element));
        const auto result = context.client().put_users(users, flags->replace_all);
        if (context.as_json()) {
            std::cout << json{{"users_written", result.users_written},
                              {"memberships", result.memberships},
                              {"users_removed", result.users_removed}}
                             .dump()
                      << '\n';
        } else {
            print(std::cout,
                  Table{{"users_written", "memberships", "users_removed"},
                        {{std::to_string(result.users_written), std::to_string(result.memberships),
                          std::to_string(result.users_removed)}}});
        }
        return static_cast<int>(exit_ok);
    });
}

}  // namespace

void add_create_and_directory_commands(CLI::App& app, Registry& registry) {
    add_create(app, registry);
    add_create_many(app, registry);
    add_put_user(app, registry);
    add_put_users(app, registry);
}

}  // namespace workitem::cli
