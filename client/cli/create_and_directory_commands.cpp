// create, create-many, put-user, put-users, users, user show|remove, groups.
#include "context.hpp"

#include <algorithm>
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

// The keys an element of create-many's or put-users' file may have: anything else is a typo (say,
// "workflow" for "workflow_id") that would otherwise be dropped without a word.
const std::vector<std::string> create_keys{
    "workflow_id", "task_name",  "assignment", "input",    "priority", "queue",        "due_at",
    "activate_at", "expires_at", "skippable",  "step_ref", "run_id",   "follow_up_at", "deadlines"};
const std::vector<std::string> user_keys{"user_id", "groups", "capacity", "available",
                                         "away_until"};

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// Reads each element of a JSON array with `read`, refusing elements that are not objects, have
// a key not in `keys`, or a value of the wrong type (exit code 2, the element's index named).
template <class Command, class Read>
std::vector<Command> elements_of(const json& elements, const std::string& what,
                                 const std::vector<std::string>& keys, Read read) {
    if (!elements.is_array())
        throw_error(ErrorKind::invalid_argument, what + " reads a JSON array");
    std::vector<Command> commands;
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const json& element = elements[i];
        const std::string where = what + ": element " + std::to_string(i);
        if (!element.is_object())
            throw_error(ErrorKind::invalid_argument, where + " is not an object");
        for (const auto& [key, value] : element.items()) {
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                throw_error(ErrorKind::invalid_argument, where + " has the unknown key \"" + key +
                                                             "\"; allowed: " + joined(keys));
            }
        }
        try {
            commands.push_back(read(element));
        } catch (const json::exception& error) {
            // Without nlohmann's "[json.exception.type_error.302] " prefix.
            const std::string_view text = error.what();
            const auto prefix = text.find("] ");
            throw_error(
                ErrorKind::invalid_argument,
                where + ": " + std::string(prefix == text.npos ? text : text.substr(prefix + 2)));
        }
    }
    return commands;
}

CreateCommand create_command_from(const json& element) {
    CreateCommand command{
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
    command.deadlines = document_field(element, "deadlines");
    return command;
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
        std::string due_at, activate_at, expires_at, follow_up_at, deadlines;
        CLI::Option *due{}, *activate{}, *expires{}, *follow_up{}, *deadlines_option{};
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
    flags->deadlines_option = command->add_option(
        "--deadlines", flags->deadlines,
        "What the timer does when: a JSON array of {\"at\" or \"after\", \"action\", ...}");
    command->add_option("--actor", c.actor, "The initiator (default: the login role)");
    command->add_option("--key", c.idempotency_key, "Idempotency key");
    registry.on(command, [flags](Context& context) {
        CreateCommand create = flags->command;
        create.assignment = flags->people.assignment();
        create.due_at = given_time(flags->due, flags->due_at);
        create.activate_at = given_time(flags->activate, flags->activate_at);
        create.expires_at = given_time(flags->expires, flags->expires_at);
        create.follow_up_at = given_time(flags->follow_up, flags->follow_up_at);
        create.deadlines = given(flags->deadlines_option, flags->deadlines);
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
        const auto commands = elements_of<CreateCommand>(read_json_file(flags->path), "create-many",
                                                         create_keys, create_command_from);
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
    } else {
        print(std::cout, user_table({user}));
    }
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
        DirectoryUser saved = context.client().put_user(user);
        // put_user answers without the groups; they are the ones just written.
        saved.groups = user.groups;
        std::sort(saved.groups.begin(), saved.groups.end());
        saved.groups.erase(std::unique(saved.groups.begin(), saved.groups.end()),
                           saved.groups.end());
        print_user(context, saved);
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
        const auto users = elements_of<PutUserCommand>(read_json_file(flags->path), "put-users",
                                                       user_keys, user_from);
        const auto result = context.client().put_users(users, flags->replace_all);
        if (context.as_json()) {
            std::cout << json{{"users_written", result.users_written},
                              {"memberships", result.memberships},
                              {"users_removed", result.users_removed}}
                             .dump(2)
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

void add_users(CLI::App& app, Registry& registry) {
    auto options = std::make_shared<UserListOptions>();
    auto* command =
        app.add_subcommand("users", "List the tenant's directory users with their groups, by id");
    command->add_option("--group", options->group_id, "Only this group's members");
    command->add_option("--after", options->after,
                        "Keyset paging: the last user of the previous page");
    command->add_option("--page-size", options->page_size, "At most this many users (1-10000)")
        ->default_val(100);
    registry.on(command, [options](Context& context) {
        const auto users = context.client().list_users(*options);
        context.print_list(users, user_table(users));
        if (!users.empty())
            note_more(users.size(), options->page_size, "--after", users.back().user_id);
        return static_cast<int>(exit_ok);
    });
}

void add_user(CLI::App& app, Registry& registry) {
    auto* user = app.add_subcommand("user", "One directory user: show or remove");
    user->require_subcommand(1);

    auto shown = std::make_shared<std::string>();
    auto* show = user->add_subcommand("show", "Show a directory user with their groups");
    show->add_option("user", *shown, "The user's id")->required();
    registry.on(show, [shown](Context& context) {
        print_user(context, context.client().get_user(*shown));
        return static_cast<int>(exit_ok);
    });

    auto removed = std::make_shared<std::string>();
    auto* remove = user->add_subcommand(
        "remove",
        "Remove a user and their group memberships from the directory (their items stay as they "
        "are: reallocate or cancel them)");
    remove->add_option("user", *removed, "The user's id")->required();
    registry.on(remove, [removed](Context& context) {
        const bool existed = context.client().delete_user(*removed);
        print_fields(std::cout, {{"user", *removed}, {"removed", existed}}, context.format());
        return static_cast<int>(exit_ok);
    });
}

void add_groups(CLI::App& app, Registry& registry) {
    auto options = std::make_shared<GroupListOptions>();
    auto* command =
        app.add_subcommand("groups", "List the tenant's groups with their member counts, by id");
    command->add_option("--after", options->after,
                        "Keyset paging: the last group of the previous page");
    command->add_option("--page-size", options->page_size, "At most this many groups (1-10000)")
        ->default_val(100);
    registry.on(command, [options](Context& context) {
        const auto groups = context.client().list_groups(*options);
        context.print_list(groups, group_table(groups));
        if (!groups.empty())
            note_more(groups.size(), options->page_size, "--after", groups.back().group_id);
        return static_cast<int>(exit_ok);
    });
}

}  // namespace

void add_create_and_directory_commands(CLI::App& app, Registry& registry) {
    add_create(app, registry);
    add_create_many(app, registry);
    add_put_user(app, registry);
    add_put_users(app, registry);
    add_users(app, registry);
    add_user(app, registry);
    add_groups(app, registry);
}

}  // namespace workitem::cli
