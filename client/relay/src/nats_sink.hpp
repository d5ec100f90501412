// The NATS JetStream sink (docs/relay.md, NATS JetStream sink): each event published (libnats) to
// the configured subject with the header Nats-Msg-Id = the event id, so that JetStream drops a
// repeat within the stream's duplicate window, and delivered once the stream acknowledged it.
// With `stream` configured, the stream is created at the first connection if it does not exist.
// Failures to connect, timeouts and a subject no stream listens on are retried; a refusal by
// JetStream (a message too large, say) is permanent.
#pragma once

#include "config.hpp"
#include "sink.hpp"

#include <string>

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

  private:
    // Connects (and makes the stream) if not connected; returns a failure, or nothing.
    std::optional<Delivery> connect();
    void disconnect();

    NatsSettings settings_;
    void* connection_{nullptr};  // natsConnection*
    void* jetstream_{nullptr};   // jsCtx*
};

}  // namespace workitem::relay
