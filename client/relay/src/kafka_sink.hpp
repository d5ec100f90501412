// The Kafka sink (docs/relay.md, Kafka sink): librdkafka's idempotent producer (acks=all, no
// duplicates or reordering from its own retries), one event at a time: the record's key is the
// item id (so an item's events share a partition and keep their order), its value the envelope,
// its headers `id` (the event id, to deduplicate on) and `type`, as Debezium's outbox router
// writes them; the topic is the pattern with "{aggregatetype}" replaced (outbox.event.workitem).
// Delivered once the delivery report says so; a report's retriable errors and timeouts are
// retried, other errors (a record too large, an unknown topic, no authorization) are permanent.
#pragma once

#include "config.hpp"
#include "sink.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace workitem::relay {

std::string kafka_topic(const std::string& pattern, const RelayEvent& event);

class KafkaSink final : public Sink {
  public:
    explicit KafkaSink(KafkaSettings settings);
    ~KafkaSink() override;
    KafkaSink(const KafkaSink&) = delete;
    KafkaSink& operator=(const KafkaSink&) = delete;

    Delivery deliver(const RelayEvent& event) override;

    // Called by librdkafka's delivery report (from rd_kafka_poll, on this sink's thread).
    void report(std::uint64_t sequence, int error);

  private:
    void create();
    void destroy();

    KafkaSettings settings_;
    void* producer_{nullptr};      // rd_kafka_t*
    std::uint64_t sequence_{0};    // of the message waited for
    std::optional<int> result_{};  // its report's error code (0: delivered)
};

}  // namespace workitem::relay
