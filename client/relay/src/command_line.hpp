// The command line: `workitem-relay [flags]` runs the relay; `workitem-relay dlq list|show|
// replay|drop` works on the dead letters (docs/relay.md, Dead letters). Every flag also reads
// an environment variable WORKITEM_RELAY_<NAME> (the flag wins).
#pragma once

#include "config.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace workitem::relay {

struct Command {
    enum class Kind { run, dlq_list, dlq_show, dlq_replay, dlq_drop };
    Kind kind{Kind::run};
    std::int64_t id{};          // show, replay, drop
    std::string sink{};         // list: only this sink's
    std::string state{"dead"};  // list: dead, replayed, dropped
    int limit{100};             // list: at most this many, newest first
};

struct CommandLine {
    Settings settings;
    Command command;
};

// Returns nullopt after --help or --version (printed already); throws ConfigError otherwise.
std::optional<CommandLine> parse_command_line(int argc, const char* const* argv);

}  // namespace workitem::relay
