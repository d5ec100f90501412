// The lifecycle: one subcommand per operation. One id calls the single form; several ids call
// the batch form (one row per id).
#include "context.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace workitem::cli {
namespace {

template <class Options>
using Single = Item (Operations::*)(std::int64_t, const Options&);
template <class Options>
using Batch = std::vector<BatchResult> (Operations::*)(const std::vector<std::int64_t>&,
                                                       const Options&, const ExpectedVersions&);

// The flags every versioned mutation has: ids, --actor, --expected-version, --key.
template <class Options>
struct LifecycleFlags {
    std::vector<std::int64_t> ids;
    Options options;
    std::vector<std::int64_t> expected_versions;
    std::string key;
    CLI::Option* key_option{};
    // Flags of one operation that need converting after parsing (times, assignments).
    std::function<void(Options&)> finish;
};

template <class Options>
CLI::App* add_lifecycle(CLI::App& app, Registry& registry, const std::string& name,
                        const std::string& description, Single<Options> single,
                        Batch<Options> batch, std::shared_ptr<LifecycleFlags<Options>> flags) {
    auto* command = app.add_subcommand(name, description + " (several ids: the batch form)");
    command->add_option("ids", flags->ids, "Item id(s)")->required();
    command->add_option("--actor", flags->options.actor, "Who does it")->required();
    command->add_option(
        "--expected-version", flags->expected_versions,
        "The version last seen, per id (the change fails with WI412 if it moved on)");
    flags->key_option =
        command->add_option("--key", flags->key,
                            "Idempotency key: a retry with the same key replays the first outcome");
    registry.on(command, [flags, single, batch](Context& context) {
        Options options = flags->options;
        options.idempotency_key = given(flags->key_option, flags->key);
        if (flags->finish) flags->finish(options);
        const auto& versions = flags->expected_versions;
        if (!versions.empty() && versions.size() != flags->ids.size()) {
            throw_error(ErrorKind::invalid_argument, "give one --expected-version per id");
        }
        Client& client = context.client();
        if (flags->ids.size() == 1) {
            if (!versions.empty()) options.expected_version = versions.front();
            return context.print((client.*single)(flags->ids.front(), options));
        }
        ExpectedVersions per_id(versions.begin(), versions.end());
        return context.print((client.*batch)(flags->ids, options, per_id));
    });
    return command;
}

template <class Options>
std::shared_ptr<LifecycleFlags<Options>> flags_for() {
    return std::make_shared<LifecycleFlags<Options>>();
}

void add_plain_operations(CLI::App& app, Registry& registry) {
    add_lifecycle(app, registry, "start", "Start work on an item (claims an offered one)",
                  &Operations::start, &Operations::start_batch, flags_for<ActOptions>());
    add_lifecycle(app, registry, "stop", "Stop work: started -> allocated", &Operations::stop,
                  &Operations::stop_batch, flags_for<ActOptions>());
    add_lifecycle(app, registry, "release", "Give a held item back: -> offered",
                  &Operations::release, &Operations::release_batch, flags_for<ActOptions>());
    add_lifecycle(app, registry, "resolve", "The delegate hands a delegated item back",
                  &Operations::resolve, &Operations::resolve_batch, flags_for<ActOptions>());
    add_lifecycle(app, registry, "resume", "Resume a suspended item", &Operations::resume,
                  &Operations::resume_batch, flags_for<ActOptions>());
    add_lifecycle(app, registry, "skip", "Skip a skippable item", &Operations::skip,
                  &Operations::skip_batch, flags_for<ActOptions>());
}

// fail and mark-error: the same flags, a fault document.
void add_fault_operation(CLI::App& app, Registry& registry, const std::string& name,
                         const std::string& description, Single<FaultOptions> single,
                         Batch<FaultOptions> batch) {
    auto flags = flags_for<FaultOptions>();
    auto* command = add_lifecycle(app, registry, name, description, single, batch, flags);
    command->add_option("--fault", flags->options.fault, "What went wrong (JSON)");
}

void add_operations_with_arguments(CLI::App& app, Registry& registry) {
    auto claim = flags_for<ClaimOptions>();
    auto* claim_command = add_lifecycle(app, registry, "claim", "Claim an offered item",
                                        &Operations::claim, &Operations::claim_batch, claim);
    claim_command->add_option("--lease-seconds", claim->options.lease_seconds,
                              "Give it back unless heartbeated within this many seconds");

    auto allocate = flags_for<AllocateOptions>();
    auto* allocate_command =
        add_lifecycle(app, registry, "allocate", "Allocate an item to a user (administrator)",
                      &Operations::allocate, &Operations::allocate_batch, allocate);
    allocate_command->add_option("--to", allocate->options.to_user, "The new owner")->required();
    allocate_command->add_flag("--override", allocate->options.override,
                               "Also take it from its current owner");

    auto delegate = flags_for<DelegateOptions>();
    auto* delegate_command =
        add_lifecycle(app, registry, "delegate", "Hand a held item to another user",
                      &Operations::delegate, &Operations::delegate_batch, delegate);
    delegate_command->add_option("--to", delegate->options.to_user, "The delegate")->required();

    auto forward = flags_for<ForwardOptions>();
    auto people = std::make_shared<AssignmentFlags>();
    auto* forward_command =
        add_lifecycle(app, registry, "forward", "Offer an item to other people",
                      &Operations::forward, &Operations::forward_batch, forward);
    people->add_to(*forward_command);
    forward->finish = [people](ForwardOptions& options) {
        options.assignment = people->assignment();
    };

    auto suspend = flags_for<SuspendOptions>();
    auto until = std::make_shared<std::string>();
    auto* suspend_command =
        add_lifecycle(app, registry, "suspend", "Suspend an item", &Operations::suspend,
                      &Operations::suspend_batch, suspend);
    auto* until_option =
        suspend_command->add_option("--until", *until, "Resume it then (ISO 8601)");
    suspend->finish = [until, until_option](SuspendOptions& options) {
        options.until = given_time(until_option, *until);
    };

    auto complete = flags_for<CompleteOptions>();
    auto* complete_command =
        add_lifecycle(app, registry, "complete", "Complete a held item", &Operations::complete,
                      &Operations::complete_batch, complete);
    complete_command->add_option("--output", complete->options.output, "The result (JSON)");

    add_fault_operation(app, registry, "fail", "Report that the work failed", &Operations::fail,
                        &Operations::fail_batch);
    add_fault_operation(app, registry, "mark-error", "Mark an item as in error (system fault)",
                        &Operations::mark_error, &Operations::mark_error_batch);

    auto cancel = flags_for<CancelOptions>();
    auto* cancel_command = add_lifecycle(app, registry, "cancel", "Cancel an active item",
                                         &Operations::cancel, &Operations::cancel_batch, cancel);
    cancel_command->add_option("--reason", cancel->options.reason, "Why (recorded in the event)");

    auto save = flags_for<SaveOutputOptions>();
    auto* save_command =
        add_lifecycle(app, registry, "save-output", "Save a draft of the output",
                      &Operations::save_output, &Operations::save_output_batch, save);
    save_command->add_option("--output", save->options.output, "The draft (JSON)")->required();
}

void add_update(CLI::App& app, Registry& registry) {
    struct Times {
        std::string due_at, follow_up_at, expires_at, deadlines;
        CLI::Option *due{}, *follow_up{}, *expires{}, *deadlines_option{};
    };
    auto update = flags_for<UpdateOptions>();
    auto times = std::make_shared<Times>();
    auto people = std::make_shared<AssignmentFlags>();
    auto* command = add_lifecycle(app, registry, "update", "Change attributes of an active item",
                                  &Operations::update, &Operations::update_batch, update);
    command->add_option("--priority", update->options.priority, "New priority (higher first)");
    command->add_option("--input", update->options.input, "New input (JSON)");
    times->due = command->add_option("--due-at", times->due_at, "New due date (ISO 8601)");
    times->follow_up =
        command->add_option("--follow-up-at", times->follow_up_at, "New follow-up date");
    times->expires =
        command->add_option("--expires-at", times->expires_at, "New expiry (ISO 8601)");
    times->deadlines_option = command->add_option(
        "--deadlines", times->deadlines,
        "Replace the deadlines: a JSON array (\"after\" counts from now; [] clears them)");
    people->add_to(*command);
    update->finish = [times, people](UpdateOptions& options) {
        options.due_at = given_time(times->due, times->due_at);
        options.follow_up_at = given_time(times->follow_up, times->follow_up_at);
        options.expires_at = given_time(times->expires, times->expires_at);
        options.deadlines = given(times->deadlines_option, times->deadlines);
        if (people->given()) options.assignment = people->assignment();
    };
}

void add_heartbeat(CLI::App& app, Registry& registry) {
    struct Flags {
        std::vector<std::int64_t> ids;
        HeartbeatOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "heartbeat", "Extend the lease of held items (several ids: the batch form)");
    command->add_option("ids", flags->ids, "Item id(s)")->required();
    command->add_option("--actor", flags->options.actor, "The owner")->required();
    command->add_option("--lease-seconds", flags->options.lease_seconds, "New lease length");
    registry.on(command, [flags](Context& context) {
        Client& client = context.client();
        if (flags->ids.size() == 1)
            return context.print(client.heartbeat(flags->ids.front(), flags->options));
        return context.print(client.heartbeat_batch(flags->ids, flags->options));
    });
}

void add_claim_next(CLI::App& app, Registry& registry) {
    auto options = std::make_shared<ClaimNextOptions>();
    auto* command =
        app.add_subcommand("claim-next",
                           "Claim the best offered item the actor may take (none: nothing on "
                           "stdout, null with --json, exit 0)");
    command->add_option("--actor", options->actor, "Who claims")->required();
    command->add_option("--queue", options->queue, "Only from this queue");
    command->add_option("--task", options->task_name, "Only items of this task name");
    command->add_option("--lease-seconds", options->lease_seconds, "Lease length");
    command->add_option("--key", options->idempotency_key, "Idempotency key");
    auto max_items = std::make_shared<int>(0);
    command
        ->add_option("--max-items", *max_items,
                     "Claim up to this many at once, best first (a table of them)")
        ->check(CLI::PositiveNumber);
    registry.on(command, [options, max_items](Context& context) {
        if (*max_items > 0)
            return context.print(context.client().claim_next_many(*options, *max_items));
        return context.print(context.client().claim_next(*options));
    });
}

// --outcomes: the SQL function's array, read into the SDK's outcomes (unknown keys refused here:
// the SDK would not send them).
std::vector<Outcome> read_outcomes(const std::string& text) {
    nlohmann::json list;
    try {
        list = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        throw_error(ErrorKind::invalid_argument,
                    std::string("--outcomes is not JSON: ") + error.what());
    }
    if (!list.is_array()) throw_error(ErrorKind::invalid_argument, "--outcomes reads a JSON array");
    std::vector<Outcome> outcomes;
    for (const auto& entry : list) {
        if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_integer()) {
            throw_error(ErrorKind::invalid_argument,
                        "each outcome is an object with an integer id: " + entry.dump());
        }
        Outcome outcome{.id = entry["id"].get<std::int64_t>()};
        for (const auto& [key, value] : entry.items()) {
            if (key == "output") {
                outcome.output = value.dump();
            } else if (key == "fault") {
                outcome.fault = value.dump();
            } else if (key == "expected_version") {
                if (!value.is_number_integer()) {
                    throw_error(ErrorKind::invalid_argument,
                                "an outcome's expected_version is an integer: " + entry.dump());
                }
                outcome.expected_version = value.get<std::int64_t>();
            } else if (key != "id") {
                throw_error(ErrorKind::invalid_argument,
                            "an outcome has id, output or fault, and expected_version; not " + key);
            }
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

void add_acknowledge(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string outcomes;
        ClaimNextOptions options;
        int max_items{0};
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand(
        "acknowledge",
        "Report the outcomes of held items and claim more, in one call and one commit");
    command->add_option("--actor", flags->options.actor, "Who reports and claims")->required();
    command
        ->add_option("--outcomes", flags->outcomes,
                     R"(JSON array: {"id": N, "output": ...} completes, {"id": N, "fault": ...} )"
                     R"(fails, "expected_version" optional)")
        ->required();
    command->add_option("--queue", flags->options.queue, "Claim only from this queue");
    command->add_option("--task", flags->options.task_name, "Claim only items of this task name");
    command->add_option("--lease-seconds", flags->options.lease_seconds, "Lease of each claim");
    command->add_option("--max-items", flags->max_items, "Claim up to this many (default 0)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--key", flags->options.idempotency_key, "Idempotency key");
    registry.on(command, [flags](Context& context) {
        return context.print(context.client().acknowledge_and_claim_next(
            read_outcomes(flags->outcomes), flags->options, flags->max_items));
    });
}

void add_cancel_workflow(CLI::App& app, Registry& registry) {
    struct Flags {
        std::string workflow_id;
        CancelWorkflowOptions options;
    };
    auto flags = std::make_shared<Flags>();
    auto* command = app.add_subcommand("cancel-workflow", "Cancel every active item of a workflow");
    command->add_option("workflow", flags->workflow_id, "The workflow id")->required();
    command->add_option("--actor", flags->options.actor, "Who cancels")->required();
    command->add_option("--reason", flags->options.reason, "Why");
    command->add_option("--key", flags->options.idempotency_key, "Idempotency key");
    registry.on(command, [flags](Context& context) {
        return context.print(context.client().cancel_workflow(flags->workflow_id, flags->options));
    });
}

}  // namespace

void add_lifecycle_commands(CLI::App& app, Registry& registry) {
    add_operations_with_arguments(app, registry);
    add_claim_next(app, registry);
    add_acknowledge(app, registry);
    add_plain_operations(app, registry);
    add_heartbeat(app, registry);
    add_update(app, registry);
    add_cancel_workflow(app, registry);
}

}  // namespace workitem::cli
