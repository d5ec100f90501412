// The NATS sink's subjects (docs/relay.md, NATS JetStream sink).
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
