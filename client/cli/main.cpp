// workitem: the command line of the workitem extension. One subcommand per operation; a table
// for people, --json for scripts; the exit code says how it went (see --help).
#include "connection_string.hpp"  // libworkitem's own reading of a connection string
#include "context.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

namespace {

constexpr const char* exit_codes_help =
    R"(Connection: --dsn, else $WORKITEM_DSN, else libpq's environment (PGHOST, PGPORT,
PGUSER, PGDATABASE, PGSERVICE ...). Keep the password out of the command line, which
every local user can read in the process list: put it in ~/.pgpass (or the file
$PGPASSFILE names) and the rest in $WORKITEM_DSN. --dsn with a password warns.

Exit codes (errors go to standard error; with --json as a JSON object {"error": {...}}):
  0  done (also: claim-next found nothing, consumer next found nothing new)
  1  the database refused it: the SQLSTATE and message are printed (WI404 not found,
     WI409 state conflict, WI412 version conflict, WI423 already claimed, WI403 ...)
  2  the request is wrong: a bad command line, or a value the CLI or the database
     rejects as invalid (a malformed timestamp or JSON, WI422, a bad value, class 22)
  3  the database could not be reached or stayed busy after retries
  4  in doubt: the connection dropped while a change may have committed
  5  a batch (several ids) in which some ids were refused: see their rows
)";

// Whether a connection string holds a password, or may (libworkitem refuses one it cannot parse
// as malformed, and a password with an unencoded '@' or '/' is not read as one by libpq).
enum class Password { none, present, maybe };
Password password_in(const std::string& dsn) {
    try {
        return workitem::detail::inspect_connection_string(dsn).password.empty()
                   ? Password::none
                   : Password::present;
    } catch (const workitem::Error&) {
        return Password::maybe;
    }
}

// Overwrites the value of --dsn in argv, which is what the process list shows (on Linux,
// /proc/<pid>/cmdline): the password is then visible only from exec until here, hence the
// warning. CLI11 has copied the value already.
void hide_dsn_arguments(int argc, char** argv) {
    constexpr std::string_view option = "--dsn";
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--") return;
        char* value = nullptr;
        if (argument == option && i + 1 < argc) {
            value = argv[++i];
        } else if (argument.starts_with(option) && argument.size() > option.size() &&
                   argument[option.size()] == '=') {
            value = argv[i] + option.size() + 1;
        }
        if (value) std::memset(value, 'x', std::strlen(value));
    }
}

void warn_about_password_in_arguments(Password password) {
    std::cerr << "workitem: warning: the connection string given with --dsn "
              << (password == Password::present ? "holds" : "may hold")
              << " a password, which other users of this machine can read in the process list;"
                 " put the password in ~/.pgpass (or $PGPASSFILE) and the connection string in"
                 " $WORKITEM_DSN instead\n";
}

// Whether --json was given, read before (or when) the command line fails to parse.
bool json_requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--") break;
        if (argument == "--json") return true;
    }
    return false;
}

// The CLI's and libworkitem's versions; with a database named (--dsn before --version, or
// $WORKITEM_DSN), also the extension's installed version, asked once without retries.
std::string version_text(const std::string& dsn) {
    std::string text = std::string("workitem ") + WORKITEM_CLI_VERSION + " (libworkitem " +
                       std::string(workitem::library_version()) + ")";
    if (dsn.empty()) return text;
    try {
        workitem::ClientOptions options;
        options.dsn = dsn;
        options.pool_size = 1;
        options.connect_timeout = std::chrono::seconds(2);
        options.retry.max_attempts = 1;
        options.application_name = "workitem-cli";
        workitem::Client client(options);
        const auto installed = client.in_transaction([](workitem::Tx& tx) {
            const auto result = tx.exec(
                "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'workitem'");
            return result.rows.empty() || !result.rows[0][0] ? std::string("not installed")
                                                             : *result.rows[0][0];
        });
        text += "\nextension " + installed;
    } catch (const workitem::Error& error) {
        text += "\nextension: unknown (" + std::string(to_string(error.kind())) + ")";
    }
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace workitem::cli;
    CLI::App app{"workitem: work items in PostgreSQL, from the command line", "workitem"};
    app.footer(exit_codes_help);
    app.require_subcommand(1);
    app.fallthrough();  // global options may also follow the subcommand

    Context context;
    app.set_version_flag(
        "--version", [&context] { return version_text(context.dsn); },
        "Print the CLI's, libworkitem's and the database's extension's versions");
    if (const char* dsn = std::getenv("WORKITEM_DSN")) context.dsn = dsn;
    const CLI::Option* dsn_option =
        app.add_option("--dsn", context.dsn,
                       "libpq connection string or URI (without the password: see the footer)");
    app.add_option("--tenant", context.tenant, "The tenant to act in (default: the role's)");
    app.add_option("--on-behalf", context.on_behalf,
                   "A service acting for an end user: their capability (user, admin, reader); "
                   "default: $WORKITEM_ON_BEHALF, else the service's full rights")
        ->envname("WORKITEM_ON_BEHALF")
        ->check(CLI::IsMember({"user", "admin", "reader"}));
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
    add_work_command(app, registry);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version end the parse too, with code 0.
        if (error.get_exit_code() == 0 || !json_requested(argc, argv)) {
            const int code = app.exit(error);
            return code == 0 ? exit_ok : exit_usage;
        }
        report_usage(error.what(), true);
        return exit_usage;
    }
    if (dsn_option->count() > 0) {
        if (const Password password = password_in(context.dsn); password != Password::none) {
            hide_dsn_arguments(argc, argv);
            warn_about_password_in_arguments(password);
        }
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
        report(error, context.as_json());
        return exit_code_for(error.kind());
    } catch (const std::exception& error) {
        report(workitem::Error(workitem::ErrorKind::unexpected_result, error.what()),
               context.as_json());
        return exit_refused;
    }
}
