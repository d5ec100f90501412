// The sinks' YAML (docs/relay.md, Configuration): what is accepted, and that every problem is
// named at once.
#include "config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace workitem::relay;

namespace {

std::string problems_of(const std::string& yaml) {
    try {
        parse_sinks(yaml);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST(RelayConfig, ReadsSinksWithFiltersAndDefaults) {
    ::setenv("RELAY_TEST_SECRETS",
             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw old-secret-0123456789abcdef", 1);
    const auto sinks = parse_sinks(R"(
sinks:
  - name: audit
    type: stdout
  - name: hook
    type: webhook
    url: http://127.0.0.1:9000/hook
    secrets_env: RELAY_TEST_SECRETS
    timeout_ms: 2000
    headers: {X-Team: billing}
    filter:
      types: [workitem.completed]
      tenants: [acme]
    retry: {max_attempts: 3, initial_backoff_ms: 10, max_backoff_ms: 100}
    breaker: {consecutive_failures: 2, open_ms: 50}
)");
    ASSERT_EQ(sinks.size(), 2u);
    EXPECT_EQ(sinks[0].name, "audit");
    EXPECT_EQ(sinks[0].retry.max_attempts, 10);
    EXPECT_TRUE(sinks[0].filter.types.empty());
    const auto& hook = sinks[1];
    EXPECT_EQ(hook.webhook.url, "http://127.0.0.1:9000/hook");
    ASSERT_EQ(hook.webhook.secrets.size(), 2u);
    EXPECT_EQ(hook.webhook.secrets[1], "old-secret-0123456789abcdef");
    EXPECT_EQ(hook.webhook.timeout.count(), 2000);
    ASSERT_EQ(hook.webhook.headers.size(), 1u);
    EXPECT_EQ(hook.retry.max_attempts, 3);
    EXPECT_EQ(hook.breaker.consecutive_failures, 2);
    EXPECT_EQ(hook.breaker.open_for.count(), 50);

    RelayEvent event{.tenant_id = "acme", .type = "workitem.completed"};
    EXPECT_TRUE(hook.filter.accepts(event));
    event.tenant_id = "globex";
    EXPECT_FALSE(hook.filter.accepts(event));
    event.tenant_id = "acme";
    event.type = "workitem.created";
    EXPECT_FALSE(hook.filter.accepts(event));
    EXPECT_TRUE(sinks[0].filter.accepts(event));
}

TEST(RelayConfig, NamesEveryProblem) {
    const auto problems = problems_of(R"(
sinks:
  - name: bad name
    type: carrier-pigeon
  - name: dup
    type: stdout
    colour: blue
  - name: dup
    type: webhook
    url: ftp://example
    retry: {max_attempts: 0}
    headers: {webhook-id: forged}
    concurrency: 0
)");
    EXPECT_NE(problems.find("name is 1 to 64"), std::string::npos) << problems;
    EXPECT_NE(problems.find("type is stdout, webhook, nats or kafka"), std::string::npos)
        << problems;
    EXPECT_NE(problems.find("unknown key colour"), std::string::npos) << problems;
    EXPECT_NE(problems.find("used twice"), std::string::npos) << problems;
    EXPECT_NE(problems.find("url is an http"), std::string::npos) << problems;
    EXPECT_NE(problems.find("max_attempts"), std::string::npos) << problems;
    EXPECT_NE(problems.find("header webhook-id cannot be set"), std::string::npos) << problems;
    EXPECT_NE(problems.find("concurrency is 1 to 64"), std::string::npos) << problems;
}

TEST(RelayConfig, RefusesWhatIsNotASinkList) {
    EXPECT_NE(problems_of("sinks: 3").find("list `sinks`"), std::string::npos);
    EXPECT_NE(problems_of("[").find("not YAML"), std::string::npos);
    EXPECT_NE(problems_of("sinks: []").find("1 to 64 sinks"), std::string::npos);
    EXPECT_NE(problems_of("sinks:\n  - {name: h, type: webhook, url: 'http://x', secrets_env: "
                          "RELAY_TEST_UNSET_VARIABLE}")
                  .find("RELAY_TEST_UNSET_VARIABLE is not set"),
              std::string::npos);
}

TEST(RelayConfig, ValidatesSettings) {
    Settings settings;
    EXPECT_FALSE(validate(settings).empty());  // no config file
    settings.config_file = "relay.yaml";
    EXPECT_TRUE(validate(settings).empty());
    settings.batch_size = 0;
    settings.metrics_port = 70000;
    settings.linger_ms = 1001;
    EXPECT_EQ(validate(settings).size(), 3u);
    SinkConfig sink{.name = "audit"};
    EXPECT_EQ(consumer_name(Settings{}, sink), "relay.audit");
}
