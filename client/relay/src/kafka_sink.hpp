// The Kafka sink (docs/relay.md, Kafka sink): librdkafka's idempotent producer (acks=all, no
// duplicates or reordering from its own retries), pipelined: the delivery loop hands it the due
// events of a batch at once, it produces them all, in order, then waits for every delivery
// report (rd_kafka_flush), one round trip per batch rather than per event. The record's key is the
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
#include <vector>

namespace workitem::relay {

std::string kafka_topic(const std::string& pattern, const RelayEvent& event);

class KafkaSink final : public Sink {
  public:
    explicit KafkaSink(KafkaSettings settings);
    ~KafkaSink() override;
    KafkaSink(const KafkaSink&) = delete;
    KafkaSink& operator=(const KafkaSink&) = delete;

    Delivery deliver(const RelayEvent& event) override;
    bool pipelined() const override { return true; }
    std::vector<Delivery> deliver_all(const std::vector<const RelayEvent*>& events) override;

    // Called by librdkafka's delivery report (from rd_kafka_poll, on this sink's thread).
    void report(std::uint64_t sequence, int error);

  private:
    void create();
    void destroy();

    KafkaSettings settings_;
    void* producer_{nullptr};  // rd_kafka_t*
    // The messages waited for: sequence numbers first_ .. first_ + reports_.size() - 1, and
    // each one's report's error code (0: delivered) once it came.
    std::uint64_t next_{1};
    std::uint64_t first_{0};
    std::vector<std::optional<int>> reports_{};
};

}  // namespace workitem::relay
