// How the CLI reports a failure: on standard error, as text or (with --json) as one JSON object,
// with the exit code for it. Hints from the database name SQL functions; the CLI names its own
// subcommands instead (presentation only: the hint's advice is the database's).
#include "context.hpp"

#include <array>
#include <iostream>
#include <regex>
#include <string_view>

namespace workitem::cli {
namespace {

// The subcommand that calls each SQL function a hint may name. Batch forms are the same
// subcommand with several ids.
struct Named {
    std::string_view function;
    std::string_view command;
};
constexpr std::array commands_of_functions{
    Named{"workitem_create", "create"},
    Named{"workitem_create_many", "create-many"},
    Named{"workitem_get", "get"},
    Named{"workitem_list", "list"},
    Named{"workitem_count", "count"},
    Named{"workitem_worklist", "worklist"},
    Named{"workitem_history", "history"},
    Named{"workitem_allowed_operations", "allowed-operations"},
    Named{"workitem_claim", "claim"},
    Named{"workitem_claim_next", "claim-next"},
    Named{"workitem_allocate", "allocate"},
    Named{"workitem_start", "start"},
    Named{"workitem_stop", "stop"},
    Named{"workitem_release", "release"},
    Named{"workitem_delegate", "delegate"},
    Named{"workitem_resolve", "resolve"},
    Named{"workitem_forward", "forward"},
    Named{"workitem_suspend", "suspend"},
    Named{"workitem_resume", "resume"},
    Named{"workitem_complete", "complete"},
    Named{"workitem_fail", "fail"},
    Named{"workitem_skip", "skip"},
    Named{"workitem_cancel", "cancel"},
    Named{"workitem_mark_error", "mark-error"},
    Named{"workitem_heartbeat", "heartbeat"},
    Named{"workitem_update", "update"},
    Named{"workitem_save_output", "save-output"},
    Named{"workitem_cancel_workflow", "cancel-workflow"},
    Named{"workitem_put_user", "put-user"},
    Named{"workitem_put_users", "put-users"},
    Named{"workitem_get_user", "user show"},
    Named{"workitem_list_users", "users"},
    Named{"workitem_list_groups", "groups"},
    Named{"workitem_delete_user", "user remove"},
    Named{"workitem_consumer_create", "consumer create"},
    Named{"workitem_consumer_drop", "consumer drop"},
    Named{"workitem_next_batch", "consumer next"},
    Named{"workitem_finish_batch", "consumer finish"},
    Named{"workitem_consumer_rewind", "consumer rewind"},
    Named{"workitem_event_lag", "consumer lag"},
    Named{"workitem_set_flag", "set-flag"},
    Named{"workitem_set_lease_default", "set-lease-default"},
    Named{"workitem_set_task_form", "set-task-form"},
    Named{"workitem_task_form", "task-form"},
    Named{"workitem_register_validator", "register-validator"},
    Named{"workitem_unregister_validator", "unregister-validator"},
    Named{"workitem_register_strategy", "register-strategy"},
    Named{"workitem_tick", "tick"},
};

std::string_view command_of(std::string_view function) {
    for (const auto& named : commands_of_functions) {
        if (named.function == function) return named.command;
    }
    if (function.ends_with("_batch") && function != "workitem_next_batch") {
        function.remove_suffix(6);
        return command_of(function);
    }
    return {};
}

nlohmann::ordered_json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

}  // namespace

std::string with_cli_commands(const std::string& text) {
    static const std::regex function_name{R"(\bworkitem_[a-z_]+\b)"};
    std::string result;
    auto rest = text.cbegin();
    for (std::sregex_iterator match(text.begin(), text.end(), function_name), end; match != end;
         ++match) {
        result.append(rest, (*match)[0].first);
        const std::string function = match->str();
        const std::string_view command = command_of(function);
        result += command.empty() ? function : "`workitem " + std::string(command) + "`";
        rest = (*match)[0].second;
    }
    result.append(rest, text.cend());
    return result;
}

int exit_code_for(ErrorKind kind) {
    switch (family_of(kind)) {
        case ErrorFamily::in_doubt:
            return exit_in_doubt;
        // A request that cannot succeed as written: the command line's fault, checked by the
        // CLI (a malformed timestamp or file) or by the database (WI422, a bad value).
        case ErrorFamily::invalid_request:
            return exit_usage;
        case ErrorFamily::transient:
        case ErrorFamily::connection_lost:
            return exit_unavailable;
        default:
            return kind == ErrorKind::pool_timeout || kind == ErrorKind::circuit_open
                       ? exit_unavailable
                       : exit_refused;
    }
}

void report(const Error& error, bool json) {
    const std::string hint = with_cli_commands(error.hint());
    if (json) {
        std::cerr << nlohmann::ordered_json{{"error",
                                             {{"sqlstate", text_or_null(error.sqlstate())},
                                              {"kind", to_string(error.kind())},
                                              {"family", to_string(error.family())},
                                              {"message", error.message()},
                                              {"detail", text_or_null(error.detail())},
                                              {"hint", text_or_null(hint)}}}}
                         .dump(2)
                  << '\n';
        return;
    }
    // An error the client decided itself has no SQLSTATE: its kind alone says what it was.
    std::cerr << "workitem: " << (error.sqlstate().empty() ? "" : error.sqlstate() + " ") << "("
              << to_string(error.kind()) << ") " << error.message() << '\n';
    if (!error.detail().empty()) std::cerr << "detail: " << error.detail() << '\n';
    if (!hint.empty()) std::cerr << "hint: " << hint << '\n';
}

void report_usage(const std::string& message, bool json) {
    if (json) {
        std::cerr
            << nlohmann::ordered_json{{"error",
                                       {{"sqlstate", nullptr},
                                        {"kind", "usage"},
                                        {"family", "usage"},
                                        {"message", message},
                                        {"detail", nullptr},
                                        {"hint",
                                         "workitem --help, or workitem <subcommand> --help"}}}}
                   .dump(2)
            << '\n';
    } else {
        std::cerr << message << '\n' << "Run with --help for more information.\n";
    }
}

}  // namespace workitem::cli
