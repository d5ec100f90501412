// The relay process: one delivery loop per sink, each on its own thread with its own consumer
// cursor, sharing one libworkitem client; a sink that is down stops only its own loop
// (docs/relay.md). Runs until SIGTERM or SIGINT, then stops every loop between two deliveries,
// abandoning (never finishing) a batch not wholly acknowledged.
#pragma once

#include "config.hpp"
#include "log.hpp"

#include <workitem/options.hpp>

namespace workitem::relay {

// Returns the process's exit status.
int run_relay(const Config& config, Log& log);

// The libworkitem client options of the relay's settings.
ClientOptions client_options(const Settings& settings, Log& log, int pool_size);

}  // namespace workitem::relay
