#include "sinks.hpp"

#include "kafka_sink.hpp"
#include "nats_sink.hpp"
#include "stdout_sink.hpp"
#include "webhook_sink.hpp"

namespace workitem::relay {

std::unique_ptr<Sink> make_sink(const SinkConfig& config) {
    if (config.type == "stdout") return std::make_unique<StdoutSink>();
    if (config.type == "webhook") return std::make_unique<WebhookSink>(config.webhook);
    if (config.type == "nats") return std::make_unique<NatsSink>(config.nats);
    if (config.type == "kafka") return std::make_unique<KafkaSink>(config.kafka);
    throw ConfigError("sink " + config.name + ": no sink of type " + config.type);
}

}  // namespace workitem::relay
