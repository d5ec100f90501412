// workitem: the command line of the workitem extension. One subcommand per operation; a table
// for people, --json for scripts; the exit code says how it went (see --help).
#include "context.hpp"

#include <cstdlib>
#include <iostream>

namespace {

constexpr const char* exit_codes_help =
    R"(Connection: --dsn, else $WORKITEM_DSN, else libpq's environment (PGHOST, PGPORT,
PGUSER, PGDATABASE, PGPASSWORD, PGSERVICE ...).

Exit codes:
  0  done
  1  the database refused it: the SQLSTATE and message are printed (WI404 not found,
     WI409 state conflict, WI412 version conflict, WI423 already claimed, WI403 ...)
  2  wrong command line (or a value that cannot be sent, such as a bad timestamp)
  3  the database could not be reached or stayed busy after retries
  4  in doubt: the connection dropped while a change may have committed
  5  a batch (several ids) in which some ids were refused: see their rows
)";

int exit_code_for(workitem::ErrorKind kind) {
    using workitem::ErrorKind;
    switch (kind) {
        case ErrorKind::in_doubt:
            return workitem::cli::exit_in_doubt;
        case ErrorKind::invalid_argument:
            return workitem::cli::exit_usage;
        case ErrorKind::pool_timeout:
        case ErrorKind::circuit_open:
            return workitem::cli::exit_unavailable;
        default:
            return workitem::is_transient(kind) ? workitem::cli::exit_unavailable
                                                : workitem::cli::exit_refused;
    }
}

void report(const workitem::Error& error) {
    std::cerr << "workitem: " << (error.sqlstate().empty() ? "" : error.sqlstate() + " ") << "("
              << to_string(error.kind()) << ") " << error.message() << '\n';
    if (!error.detail().empty()) std::cerr << "detail: " << error.detail() << '\n';
    if (!error.hint().empty()) std::cerr << "hint: " << error.hint() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    using namespace workitem::cli;
    CLI::App app{"workitem: work items in PostgreSQL, from the command line", "workitem"};
    app.footer(exit_codes_help);
    app.require_subcommand(1);
    app.fallthrough();  // global options may also follow the subcommand

    Context context;
    if (const char* dsn = std::getenv("WORKITEM_DSN")) context.dsn = dsn;
    app.add_option("--dsn", context.dsn, "libpq connection string or URI");
    app.add_option("--tenant", context.tenant, "The tenant to act in (default: the role's)");
    app.add_flag("--json", context.json, "Print JSON instead of a table");
    app.add_option("--timeout", context.timeout_ms, "Per-call timeout in milliseconds")
        ->default_val(30000);
    app.add_flag("--generate-keys", context.generate_keys,
                 "Give every change an idempotency key, so it is retried after a lost connection");

    Registry registry;
    add_create_and_directory_commands(app, registry);
    add_read_commands(app, registry);
    add_lifecycle_commands(app, registry);
    add_consumer_commands(app, registry);
    add_admin_commands(app, registry);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? exit_ok : exit_usage;
    }
    try {
        // The action of the innermost subcommand given (`consumer next` runs next's).
        for (CLI::App* command = &app; command;) {
            if (const Action* action = registry.find(command)) return (*action)(context);
            const auto chosen = command->get_subcommands();
            command = chosen.empty() ? nullptr : chosen.front();
        }
        return exit_usage;
    } catch (const workitem::Error& error) {
        report(error);
        return exit_code_for(error.kind());
    } catch (const std::exception& error) {
        std::cerr << "workitem: " << error.what() << '\n';
        return exit_refused;
    }
}
