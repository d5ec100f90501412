// The stdout sink: each event as one line of JSON (NDJSON) on standard output, the event row's
// envelope (docs/events/README.md) with its "id" to deduplicate on. An event counts as delivered
// once its line was written and flushed; a write that fails (a closed pipe) is retried.
#pragma once

#include "sink.hpp"

#include <cstdio>
#include <mutex>

namespace workitem::relay {

class StdoutSink final : public Sink {
  public:
    // `out` is shared by every stdout sink of the process: lines never interleave.
    explicit StdoutSink(std::FILE* out = stdout) : out_(out) {}
    Delivery deliver(const RelayEvent& event) override;

  private:
    std::FILE* out_;
    static std::mutex mutex_;
};

}  // namespace workitem::relay
