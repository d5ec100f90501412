// workitem-relay: reads its settings (flags and WORKITEM_RELAY_* variables) and the sinks' YAML
// file, then delivers every committed event to every sink until SIGTERM or SIGINT, and exits 0
// (docs/relay.md). `workitem-relay dlq ...` works on the dead letters instead. A configuration
// that cannot run exits 2 with every problem listed; a failure to start exits 1.
#include "command_line.hpp"
#include "config.hpp"
#include "dlq_commands.hpp"
#include "log.hpp"
#include "relay.hpp"

#include <iostream>

int main(int argc, char** argv) {
    using namespace workitem::relay;
    std::optional<CommandLine> line;
    try {
        line = parse_command_line(argc, argv);
        if (!line) return 0;  // --help or --version
        const auto problems = validate(line->settings);
        if (line->command.kind == Command::Kind::run && !problems.empty()) {
            load(line->settings);  // throws, listing them
        }
    } catch (const ConfigError& error) {
        std::cerr << "workitem-relay: " << error.what() << '\n';
        return 2;
    }
    Log log(std::cerr, parse_level(line->settings.log_level));
    if (line->command.kind != Command::Kind::run) return run_dlq(*line, log);
    std::optional<Config> config;
    try {
        config = load(line->settings);
    } catch (const ConfigError& error) {
        std::cerr << "workitem-relay: " << error.what() << '\n';
        return 2;
    }
    try {
        return run_relay(*config, log);
    } catch (const std::exception& error) {
        log.error("cannot start", {{"error", error.what()}});
        return 1;
    }
}
