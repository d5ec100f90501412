// One sink's cursor: a consumer of the SQL consumer API (docs/events.md, Consumer cursors), read
// through libworkitem. Batches come as the event rows' JSON (docs/events/README.md, the envelope),
// and a batch comes again until finish() is called, so a relay that dies mid-batch delivers it
// again on restart (at least once).
#pragma once

#include "event.hpp"

#include <workitem/client.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace workitem::relay {

struct SourceBatch {
    std::int64_t id{};
    std::vector<RelayEvent> events{};  // ordered by seq
};

class EventSource {
  public:
    // all_tenants: an all-tenants consumer (workitem_service), else one of the client's tenant.
    EventSource(Client& client, std::string consumer, bool all_tenants, int batch_size);

    // Creates the consumer if it does not exist; returns whether it did.
    bool ensure_consumer();
    // The open batch, else a new one of the events committed since; none: nothing new.
    std::optional<SourceBatch> next_batch();
    // Marks the batch delivered: only once every event of it was acknowledged.
    void finish(std::int64_t batch_id);

    const std::string& consumer() const { return consumer_; }
    int batch_size() const { return batch_size_; }

  private:
    Client& client_;
    std::string consumer_;
    bool all_tenants_;
    int batch_size_;
};

}  // namespace workitem::relay
