// get, list, count, worklist, history, allowed-operations.
#include "context.hpp"

#include <iostream>

namespace workitem::cli {
namespace {

const std::map<std::string, State> state_names{
    {"created", State::created}, {"offered", State::offered},     {"allocated", State::allocated},
    {"started", State::started}, {"suspended", State::suspended}, {"completed", State::completed},
    {"failed", State::failed},   {"error", State::error},         {"cancelled", State::cancelled},
    {"skipped", State::skipped}, {"expired", State::expired}};

// A value the "more:" hint shows as one shell word: in single quotes, a quote as '\''.
std::string quoted_for_shell(const std::string& value) {
    std::string quoted = "'";
    for (const char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The business-data filters of list, count and worklist (docs/search.md).
template <class Options>
void add_input_filters(CLI::App& command, Options& options) {
    command.add_option("--input-contains", options.input_contains,
                       "Only items whose input contains this JSON ('{\"tier\": \"gold\"}')");
    command.add_option("--input-path", options.input_path,
                       "Only items whose input satisfies this SQL/JSON path predicate "
                       "('$.amount > 100')");
    command.add_option("--fields", options.fields,
                       "Comparisons on declared fields, as JSON ('{\"amount\": {\">=\": 100}}')");
}

// The filters list and count share; sorting and paging only for list.
struct FilterFlags {
    ListFilter filter;
    std::string state, due_before, due_after;
    CLI::Option *state_option{}, *queue{}, *task{}, *workflow{}, *owner{}, *potential_owner{},
        *due_before_option{}, *due_after_option{}, *min_priority{}, *actor{};

    void add_to(CLI::App& command) {
        // One state: workitem_list and workitem_count filter on one (run once per state).
        state_option = command.add_option("--state", state, "Only items in this state (one)")
                           ->transform(CLI::IsMember(state_names, CLI::ignore_case));
        queue = command.add_option("--queue", filter.queue, "Only items of this queue");
        task = command.add_option("--task", filter.task_name, "Only items of this task name");
        workflow =
            command.add_option("--workflow", filter.workflow_id, "Only items of this workflow");
        owner = command.add_option("--owner", filter.owner, "Only items held by this user");
        potential_owner =
            command.add_option("--potential-owner", filter.potential_owner,
                               "Only items this user (or one of their groups) may claim");
        due_before_option =
            command.add_option("--due-before", due_before, "Due before (ISO 8601, exclusive)");
        due_after_option =
            command.add_option("--due-after", due_after, "Due at or after (ISO 8601)");
        min_priority =
            command.add_option("--min-priority", filter.min_priority, "Priority at least");
        actor = command.add_option("--actor", filter.actor,
                                   "Read as this user (a service reading for them)");
        add_input_filters(command, filter);
        command.add_option("--output-contains", filter.output_contains,
                           "Only items whose output contains this JSON");
        command.add_option("--output-path", filter.output_path,
                           "Only items whose output satisfies this SQL/JSON path predicate");
    }

    ListFilter resolved() {
        // CLI11 keeps an unset std::optional empty; only the strings need converting.
        if (state_option->count()) filter.state = parse_state(state);
        filter.due_before = given_time(due_before_option, due_before);
        filter.due_after = given_time(due_after_option, due_after);
        return filter;
    }
};

void add_get(CLI::App& app, Registry& registry) {
    struct Flags {
        std::int64_t id{};
        std::string actor;
        CLI::Option* actor_option{};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand("get", "Show one item");
    command->add_option("id", flags->id, "The item's id")->required();
    flags->actor_option = command->add_option("--actor", flags->actor, "Read as this user");
    registry.on(command, [flags](Context& context) {
        return context.print(
            context.client().get(flags->id, {.actor = given(flags->actor_option, flags->actor)}));
    });
}

void add_list_and_count(CLI::App& app, Registry& registry) {
    auto list_flags = std::make_shared<FilterFlags>();
    auto* list = app.add_subcommand(
        "list", "List items matching every filter given, in id order unless --sort");
    list_flags->add_to(*list);
    list->add_option("--sort", list_flags->filter.sort,
                     "id (default), created, priority, due or field:<declared field>");
    list->add_flag("--descending", list_flags->filter.descending, "Sort the other way");
    list->add_option("--after-id", list_flags->filter.after_id,
                     "Keyset paging: the last id of the previous page");
    list->add_option("--after-key", list_flags->filter.after_key,
                     "Keyset paging, sorted by other than id: the last row's sort value");
    list->add_option("--page-size", list_flags->filter.page_size,
                     "At most this many items (1-10000)")
        ->default_val(100);
    registry.on(list, [list_flags](Context& context) {
        const auto items = context.client().list(list_flags->resolved());
        context.print(items);
        if (!items.empty()) {
            const auto& filter = list_flags->filter;
            std::string cursor = std::to_string(items.back().id);
            if (filter.sort && *filter.sort != "id") {
                const auto key = after_key_of(items.back(), *filter.sort);
                // No value: the next page is among the rows without one (--after-key omitted).
                if (key) cursor += " --after-key " + quoted_for_shell(*key);
            }
            note_more(items.size(), filter.page_size, "--after-id", cursor);
        }
        return static_cast<int>(exit_ok);
    });

    auto count_flags = std::make_shared<FilterFlags>();
    auto* count = app.add_subcommand("count", "Count items matching every filter given");
    count_flags->add_to(*count);
    registry.on(count, [count_flags](Context& context) {
        const auto total = context.client().count(count_flags->resolved());
        if (context.as_json())
            std::cout << nlohmann::json{{"count", total}}.dump(2) << '\n';
        else
            std::cout << total << '\n';
        return static_cast<int>(exit_ok);
    });
}

void add_worklist(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string actor;
        WorklistOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command =
        app.add_subcommand("worklist", "Items offered to an actor and items they hold, best first");
    command->add_option("--actor", flags->actor, "Whose worklist")->required();
    command->add_option("--queue", flags->options.queue, "Only items of this queue");
    add_input_filters(*command, flags->options);
    command->add_option("--page-size", flags->options.page_size, "At most this many items")
        ->default_val(100);
    registry.on(command, [flags](Context& context) {
        return context.print(context.client().worklist(flags->actor, flags->options));
    });
}

void add_history(CLI::App& app, Registry& registry) {
    struct Flags {
        std::int64_t id{};
        ReadOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand("history", "An item's events: who did what, when");
    command->add_option("id", flags->id, "The item's id")->required();
    command->add_option("--actor", flags->options.actor, "Read as this user");
    registry.on(command, [flags](Context& context) {
        const auto events = context.client().history(flags->id, flags->options);
        context.print_list(events, event_table(events));
        return static_cast<int>(exit_ok);
    });
}

void add_allowed_operations(CLI::App& app, Registry& registry) {
    struct Flags {
        std::int64_t id{};
        std::string actor;
    };
    auto flags = std::make_shared<Flags>();
    auto* command =
        app.add_subcommand("allowed-operations", "What an actor may do with an item now");
    command->add_option("id", flags->id, "The item's id")->required();
    command->add_option("--actor", flags->actor, "Who asks")->required();
    registry.on(command, [flags](Context& context) {
        const auto operations = context.client().allowed_operations(flags->id, flags->actor);
        if (context.as_json()) {
            std::cout << nlohmann::json(operations).dump(2) << '\n';
        } else {
            for (const auto& operation : operations) std::cout << operation << '\n';
        }
        return static_cast<int>(exit_ok);
    });
}

}  // namespace

void add_read_commands(CLI::App& app, Registry& registry) {
    add_get(app, registry);
    add_list_and_count(app, registry);
    add_worklist(app, registry);
    add_history(app, registry);
    add_allowed_operations(app, registry);
}

}  // namespace workitem::cli
