// Builds a sink from its configuration (docs/relay.md, Sinks).
#pragma once

#include "config.hpp"
#include "sink.hpp"

#include <memory>

namespace workitem::relay {

std::unique_ptr<Sink> make_sink(const SinkConfig& config);

}  // namespace workitem::relay
