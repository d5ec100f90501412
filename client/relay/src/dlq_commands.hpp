// `workitem-relay dlq list|show|replay|drop` (docs/relay.md, Dead letters): an operator's view of
// the events the sinks gave up on. list and show print JSON on standard output; replay delivers
// the stored event to its sink once more (as configured in --config) and marks it replayed;
// drop marks it dropped. Exit status: 0 done, 1 failed (the reason on standard error).
#pragma once

#include "command_line.hpp"
#include "log.hpp"

namespace workitem::relay {

int run_dlq(const CommandLine& line, Log& log);

}  // namespace workitem::relay
