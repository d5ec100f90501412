// Where the NATS and Kafka sinks send an event (docs/relay.md, NATS JetStream sink; Kafka sink).
#include "kafka_sink.hpp"
#include "nats_sink.hpp"

#include <gtest/gtest.h>

using namespace workitem::relay;

TEST(RelayNats, SubjectsFromThePattern) {
    const RelayEvent event{.type = "workitem.completed"};
    EXPECT_EQ(nats_subject("workitem.events.{type}", event), "workitem.events.workitem.completed");
    EXPECT_EQ(nats_subject("audit", event), "audit");
    EXPECT_EQ(nats_stream_subject("workitem.events.{type}"), "workitem.events.>");
    EXPECT_EQ(nats_stream_subject("audit"), "audit");
}

TEST(RelayKafka, TopicFromThePattern) {
    const RelayEvent event{.aggregatetype = "workitem"};
    EXPECT_EQ(kafka_topic("outbox.event.{aggregatetype}", event), "outbox.event.workitem");
    EXPECT_EQ(kafka_topic("events", event), "events");
}
