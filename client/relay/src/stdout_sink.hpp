// The stdout sink: each event as one line of JSON (NDJSON) on standard output, the event row's
// envelope (docs/events/README.md) with its "id" to deduplicate on. An event counts as delivered
// once its whole line was written. A write that fails (a closed pipe, a full disk) is retried,
// and the retry goes on from where the line was cut, so a line is never written twice in part.
#pragma once

#include "sink.hpp"

#include <cstddef>
#include <mutex>
#include <string>

namespace workitem::relay {

class StdoutSink final : public Sink {
  public:
    // `fd` is shared by every stdout sink of the process: lines never interleave.
    explicit StdoutSink(int fd = 1) : fd_(fd) {}
    Delivery deliver(const RelayEvent& event) override;

  private:
    int fd_;
    std::string cut_id_{};   // the event whose line a failed write cut short, if any
    std::size_t cut_at_{0};  // how much of its line was written
    static std::mutex mutex_;
};

}  // namespace workitem::relay
