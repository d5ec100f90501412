// The NATS JetStream sink (docs/relay.md, NATS JetStream sink): each event published (libnats) to
// the configured subject with the header Nats-Msg-Id = the event id, so that JetStream drops a
// repeat within the stream's duplicate window, and delivered once the stream acknowledged it.
// With `stream` configured, the stream is created at the first connection if it does not exist.
// Failures to connect, timeouts and a subject no stream listens on are retried; a refusal by
// JetStream (a message too large, say) is permanent.
// Pipelined: a batch is published in waves (waves.hpp), each wave's messages asynchronously
// (js_PublishMsgAsync), then all their acknowledgements awaited together, so a wave costs one
// round trip to the server rather than one per event.
#pragma once

#include "config.hpp"
#include "sink.hpp"

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace workitem::relay {

// The subject of an event: "{type}" in the pattern replaced by its type.
std::string nats_subject(const std::string& pattern, const RelayEvent& event);
// The subjects a stream created by the relay listens on: "{type}" and what follows become ">".
std::string nats_stream_subject(const std::string& pattern);

class NatsSink final : public Sink {
  public:
    explicit NatsSink(NatsSettings settings);
    ~NatsSink() override;
    NatsSink(const NatsSink&) = delete;
    NatsSink& operator=(const NatsSink&) = delete;

    Delivery deliver(const RelayEvent& event) override;
    bool pipelined() const override { return true; }
    std::vector<Delivery> deliver_all(const std::vector<const RelayEvent*>& events) override;

    // Called by libnats for each asynchronous publish (on its own thread): the acknowledgement
    // or the failure of the message with this Nats-Msg-Id.
    void acknowledged(const char* message_id, std::optional<Delivery> failure);

  private:
    // Connects (and makes the stream) if not connected; returns a failure, or nothing.
    std::optional<Delivery> connect();
    void disconnect();
    // Publishes one wave asynchronously and waits for every acknowledgement (or the timeout).
    std::vector<Delivery> publish_wave(const std::vector<const RelayEvent*>& events);

    NatsSettings settings_;
    // The wave in flight: the position of each message id, and each one's outcome once known.
    // Written by acknowledged() on libnats's thread; an id not in the wave (a late answer to an
    // earlier one) is ignored.
    std::mutex wave_mutex_;
    std::condition_variable wave_settled_;
    std::unordered_map<std::string, std::size_t> wave_index_;
    std::vector<std::optional<Delivery>> wave_outcomes_;
    std::size_t wave_pending_{0};
    void* connection_{nullptr};  // natsConnection*
    void* jetstream_{nullptr};   // jsCtx*
};

}  // namespace workitem::relay
