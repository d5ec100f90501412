// The webhook sink (docs/relay.md, Webhook sink): each event POSTed as its envelope (JSON) to
// one URL with the Standard Webhooks headers webhook-id (the event id, to deduplicate on),
// webhook-timestamp (Unix seconds) and webhook-signature (signature.hpp). A 2xx answer is
// delivered; 408, 429, 5xx, a timeout or a connection that fails are retried (honouring
// Retry-After); any other answer is permanent: the event goes to the dead letters.
// With `concurrency` above 1 it is pipelined: a batch goes out in waves (waves.hpp), each wave's
// requests up to `concurrency` at once (libcurl's multi interface, its connections kept alive),
// one request per item in flight, so an item's events still arrive one after another, in order.
#pragma once

#include "config.hpp"
#include "sink.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace workitem::relay {

// What an answer's status means for the event: delivered, retry or permanent.
Delivery::Outcome classify_status(long status);
// Retry-After: delay-seconds or an HTTP-date (relative to now); nullopt when neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value, std::chrono::system_clock::time_point now);

class WebhookSink final : public Sink {
  public:
    explicit WebhookSink(WebhookSettings settings);
    ~WebhookSink() override;
    WebhookSink(const WebhookSink&) = delete;
    WebhookSink& operator=(const WebhookSink&) = delete;

    Delivery deliver(const RelayEvent& event) override;
    bool pipelined() const override { return settings_.concurrency > 1; }
    std::vector<Delivery> deliver_all(const std::vector<const RelayEvent*>& events) override;

  private:
    // POSTs the events, `concurrency` at a time (one handle each, a sliding window), and waits
    // for them all.
    std::vector<Delivery> post_together(const std::vector<const RelayEvent*>& events);

    WebhookSettings settings_;
    void* curl_;            // one handle, so that the connection is kept alive between events
    void* multi_{nullptr};  // CURLM*, with `concurrency` > 1: its connections are kept
    std::vector<void*> handles_{};  // CURL*, one per request in flight
};

}  // namespace workitem::relay
