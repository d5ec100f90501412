// The webhook sink's parts that need no peer (docs/relay.md, Webhook sink): Standard Webhooks
// signatures, what each status means, Retry-After.
#include "signature.hpp"
#include "webhook_sink.hpp"

#include <gtest/gtest.h>

using namespace workitem::relay;
using namespace std::chrono_literals;

TEST(RelaySignature, MatchesTheStandardWebhooksExample) {
    // The example of the Standard Webhooks specification (secret, id, timestamp, body).
    EXPECT_EQ(
        webhook_signature({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                          "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(RelaySignature, SignsWithEverySecretDuringARotation) {
    const auto header = webhook_signature(
        {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "a-plain-secret-of-enough-length"}, "id", 1,
        "{}");
    const auto space = header.find(' ');
    ASSERT_NE(space, std::string::npos);
    EXPECT_TRUE(header.starts_with("v1,"));
    EXPECT_EQ(header.substr(space + 1, 3), "v1,");
    EXPECT_EQ(header.substr(space + 1),
              "v1," + base64_encode(hmac_sha256("a-plain-secret-of-enough-length", "id.1.{}")));
}

TEST(RelaySignature, Base64RoundTrips) {
    for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        EXPECT_EQ(base64_decode(base64_encode(text)), text);
    }
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_FALSE(base64_decode("Zm9v!"));
}

TEST(RelayWebhook, ClassifiesStatuses) {
    EXPECT_EQ(classify_status(200), Delivery::Outcome::delivered);
    EXPECT_EQ(classify_status(204), Delivery::Outcome::delivered);
    for (const long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
        EXPECT_EQ(classify_status(status), Delivery::Outcome::retry) << status;
    }
    for (const long status : {301L, 400L, 401L, 403L, 404L, 410L, 413L, 422L}) {
        EXPECT_EQ(classify_status(status), Delivery::Outcome::permanent) << status;
    }
}

TEST(RelayWebhook, ReadsRetryAfterSecondsAndDates) {
    const auto now = std::chrono::system_clock::from_time_t(1700000000);
    EXPECT_EQ(parse_retry_after("3", now), 3000ms);
    EXPECT_EQ(parse_retry_after("0", now), 0ms);
    // Tue, 14 Nov 2023 22:13:30 GMT is 1700000010.
    EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now), 10000ms);
    EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now), 0ms);  // past
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("", now));
}
