// workitem-gateway token: what it mints is accepted by the same gateway, and nothing else is
// minted (docs/rest.md, "Tokens for development").
#include "auth.hpp"
#include "dev_token.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

using Clock = std::chrono::system_clock;

JwtSettings gateway_settings() {
    JwtSettings settings;
    settings.algorithm = JwtAlgorithm::hs256;
    settings.key = "a-development-secret-of-at-least-32-bytes";
    settings.issuer = "workitem-local";
    settings.audience = "workitem";
    settings.tenant_claim = "org";  // configured claim names are the ones minted
    settings.capability_claim = "role";
    return settings;
}

TEST(DevToken, IsAcceptedByTheGatewayItWasMintedFor) {
    const auto settings = gateway_settings();
    const auto token = mint_token(
        settings, {.subject = "demo", .tenant = "default", .capability = Capability::admin},
        Clock::now());
    const Authenticator gateway(settings, {});
    const auto verdict = gateway.verify_token(token, Clock::now());
    ASSERT_TRUE(std::holds_alternative<Identity>(verdict)) << std::get<AuthFailure>(verdict).reason;
    const auto& identity = std::get<Identity>(verdict);
    EXPECT_EQ(identity.subject, "demo");
    EXPECT_EQ(identity.tenant, "default");
    EXPECT_EQ(identity.capability, Capability::admin);
}

TEST(DevToken, ExpiresAfterItsLifetime) {
    const auto settings = gateway_settings();
    const auto issued = Clock::now();
    const auto token = mint_token(
        settings, {.subject = "demo", .tenant = "default", .lifetime = std::chrono::seconds(60)},
        issued);
    const Authenticator gateway(settings, {});
    EXPECT_TRUE(std::holds_alternative<Identity>(
        gateway.verify_token(token, issued + std::chrono::seconds(59))));
    EXPECT_TRUE(std::holds_alternative<AuthFailure>(
        gateway.verify_token(token, issued + std::chrono::seconds(60 + 31))));  // past the leeway
}

TEST(DevToken, AnotherSecretRefusesIt) {
    const auto token =
        mint_token(gateway_settings(), {.subject = "demo", .tenant = "default"}, Clock::now());
    auto other = gateway_settings();
    other.key = "another-secret-of-at-least-32-bytes-long";
    EXPECT_TRUE(std::holds_alternative<AuthFailure>(
        Authenticator(other, {}).verify_token(token, Clock::now())));
}

TEST(DevToken, MintsNothingItShouldNot) {
    const auto settings = gateway_settings();
    const auto now = Clock::now();
    auto rs256 = settings;
    rs256.algorithm = JwtAlgorithm::rs256;
    EXPECT_THROW(mint_token(rs256, {.subject = "demo", .tenant = "default"}, now),
                 std::invalid_argument);
    EXPECT_THROW(mint_token(settings, {.subject = "", .tenant = "default"}, now),
                 std::invalid_argument);
    EXPECT_THROW(mint_token(settings, {.subject = "demo", .tenant = ""}, now),
                 std::invalid_argument);
    EXPECT_THROW(
        mint_token(settings,
                   {.subject = "svc", .tenant = "default", .capability = Capability::service}, now),
        std::invalid_argument);
    EXPECT_THROW(mint_token(settings,
                            {.subject = "demo",
                             .tenant = "default",
                             .lifetime = longest_token_lifetime + std::chrono::seconds(1)},
                            now),
                 std::invalid_argument);
    EXPECT_THROW(
        mint_token(settings,
                   {.subject = "demo", .tenant = "default", .lifetime = std::chrono::seconds(0)},
                   now),
        std::invalid_argument);
}

}  // namespace
}  // namespace workitem::gateway
