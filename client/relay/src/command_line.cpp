#include "command_line.hpp"

#include <CLI/CLI.hpp>

#include "env_settings.hpp"

#include <cctype>

#ifndef WORKITEM_RELAY_VERSION
#define WORKITEM_RELAY_VERSION "unknown"
#endif

namespace workitem::relay {

namespace {

template <class T>
CLI::Option* setting(CLI::App& app, const std::string& flag, T& value, const std::string& help) {
    return service::env_setting(app, "WORKITEM_RELAY_", flag, value, help);
}

}  // namespace

std::optional<CommandLine> parse_command_line(int argc, const char* const* argv) {
    CommandLine line;
    auto& settings = line.settings;
    auto& command = line.command;
    CLI::App app{"workitem-relay: delivers every committed workitem event to sinks (docs/relay.md)",
                 "workitem-relay"};
    app.set_version_flag("--version", WORKITEM_RELAY_VERSION);
    app.option_defaults()->always_capture_default();
    setting(app, "config", settings.config_file, "YAML file listing the sinks");
    setting(app, "dsn", settings.dsn,
            "libpq connection string (default: WORKITEM_DSN, then PG* variables); keep the "
            "password in ~/.pgpass");
    setting(app, "tenant", settings.tenant,
            "read one tenant's events (empty: every tenant's, as workitem_service)");
    setting(app, "consumer-prefix", settings.consumer_prefix,
            "each sink's consumer cursor is this prefix and the sink's name");
    setting(app, "batch-size", settings.batch_size, "events per batch (1 to 100000)");
    setting(app, "idle-wait-ms", settings.idle_wait_ms, "longest wait between empty polls");
    setting(app, "linger-ms", settings.linger_ms,
            "after a batch smaller than batch-size, wait this long before the next (0 to 1000)");
    setting(app, "wake-on-notify", settings.wake_on_notify,
            "wait for the database's wake-ups between polls (needs a direct connection)");
    setting(app, "cursor-lock", settings.cursor_lock,
            "one relay per sink cursor: others wait on standby and take over when it goes");
    setting(app, "metrics-address", settings.metrics_address, "address of /metrics");
    setting(app, "metrics-port", settings.metrics_port,
            "port of /metrics, /livez, /readyz (-1: none; 0: any free port)");
    setting(app, "shutdown-timeout-ms", settings.shutdown_timeout_ms,
            "on SIGTERM/SIGINT, how long the sinks may take to stop");
    setting(app, "log-level", settings.log_level, "debug, info, warning or error");
    app.fallthrough();

    auto* dlq = app.add_subcommand("dlq", "the dead letters: events a sink gave up on");
    dlq->require_subcommand(1);
    dlq->fallthrough();
    auto* list = dlq->add_subcommand("list", "list dead letters, newest first");
    list->add_option("--sink", command.sink, "only this sink's");
    list->add_option("--state", command.state, "dead (default), replayed or dropped")
        ->check(CLI::IsMember({"dead", "replayed", "dropped"}));
    list->add_option("--limit", command.limit, "at most this many (1 to 1000)")
        ->check(CLI::Range(1, 1000));
    auto* show = dlq->add_subcommand("show", "one dead letter with its event");
    show->add_option("id", command.id, "the dead letter's id")->required();
    auto* replay = dlq->add_subcommand("replay", "deliver a dead letter's event to its sink again");
    replay->add_option("id", command.id, "the dead letter's id")->required();
    auto* drop = dlq->add_subcommand("drop", "give up on a dead letter for good");
    drop->add_option("id", command.id, "the dead letter's id")->required();
    for (auto* sub : {list, show, replay, drop}) sub->fallthrough();
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& success) {
        app.exit(success);
        return std::nullopt;
    } catch (const CLI::ParseError& error) {
        throw ConfigError(error.what());
    }
    if (list->parsed()) command.kind = Command::Kind::dlq_list;
    if (show->parsed()) command.kind = Command::Kind::dlq_show;
    if (replay->parsed()) command.kind = Command::Kind::dlq_replay;
    if (drop->parsed()) command.kind = Command::Kind::dlq_drop;
    return line;
}

}  // namespace workitem::relay
