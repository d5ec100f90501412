// Authentication: every way a token or key must be refused, and the identities accepted.
#include "auth.hpp"
#include "token_cache.hpp"
#include "tokens.hpp"

#include <gtest/gtest.h>

namespace workitem::gateway {
namespace {

using testing::claims;
using testing::mint_hs256;
using testing::mint_rs256;
using testing::mint_unsigned;
using testing::now_seconds;
using testing::sha256_hex;

const std::string secret = "a-test-secret-of-at-least-32-bytes-long";
const std::string issuer = "https://issuer.test";
const std::string audience = "workitem-gateway";

JwtSettings hs256_settings() {
    JwtSettings settings;
    settings.algorithm = JwtAlgorithm::hs256;
    settings.key = secret;
    settings.issuer = issuer;
    settings.audience = audience;
    settings.leeway = std::chrono::seconds(30);
    return settings;
}

nlohmann::json ann() {
    return claims("ann", "acme", "user", issuer, audience);
}

// The reason a credential was refused; fails the test when it was accepted.
std::string refusal(const std::variant<Identity, AuthFailure>& verdict) {
    if (const auto* failure = std::get_if<AuthFailure>(&verdict)) return failure->reason;
    ADD_FAILURE() << "accepted as " << std::get<Identity>(verdict).subject;
    return {};
}

const Identity& identity(const std::variant<Identity, AuthFailure>& verdict) {
    if (const auto* failure = std::get_if<AuthFailure>(&verdict)) {
        ADD_FAILURE() << "refused: " << failure->reason;
    }
    return std::get<Identity>(verdict);
}

TEST(GatewayAuth, AcceptsAValidHs256TokenAsItsSubjectTenantAndCapability) {
    const Authenticator authenticator(hs256_settings(), {});
    const auto verdict = authenticator.authenticate("Bearer " + mint_hs256(secret, ann()), "");
    ASSERT_TRUE(std::holds_alternative<Identity>(verdict)) << refusal(verdict);
    const auto& caller = identity(verdict);
    EXPECT_EQ(caller.subject, "ann");
    EXPECT_EQ(caller.tenant, "acme");
    EXPECT_EQ(caller.capability, Capability::user);
    EXPECT_EQ(caller.on_behalf(), "user");
    EXPECT_EQ(caller.credential, "jwt");
}

TEST(GatewayAuth, AcceptsAnAudienceList) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["aud"] = {"other", audience};
    const auto verdict =
        authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "");
    EXPECT_EQ(identity(verdict).subject, "ann");
}

TEST(GatewayAuth, RefusesAMissingCredentialWithoutCallingItInvalid) {
    const Authenticator authenticator(hs256_settings(), {});
    const auto verdict = authenticator.authenticate("", "");
    ASSERT_TRUE(std::holds_alternative<AuthFailure>(verdict));
    EXPECT_FALSE(std::get<AuthFailure>(verdict).credential_sent);
}

TEST(GatewayAuth, RefusesAnotherScheme) {
    const Authenticator authenticator(hs256_settings(), {});
    EXPECT_NE(refusal(authenticator.authenticate("Basic YW5uOnNlY3JldA==", "")), "");
}

TEST(GatewayAuth, RefusesAnExpiredToken) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["exp"] = now_seconds() - 3600;
    EXPECT_EQ(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
              "the token has expired");
}

TEST(GatewayAuth, AcceptsATokenExpiredWithinTheLeeway) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["exp"] = now_seconds() - 10;
    EXPECT_EQ(identity(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), ""))
                  .subject,
              "ann");
}

TEST(GatewayAuth, RefusesATokenWithoutExpiry) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims.erase("exp");
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
              "");
}

TEST(GatewayAuth, RefusesATokenNotValidYet) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["nbf"] = now_seconds() + 3600;
    EXPECT_EQ(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
              "the token is not valid yet");
}

TEST(GatewayAuth, RefusesAnotherAudience) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["aud"] = "another-service";
    EXPECT_EQ(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
              "the token is meant for another audience");
}

TEST(GatewayAuth, RefusesAnotherIssuer) {
    const Authenticator authenticator(hs256_settings(), {});
    auto token_claims = ann();
    token_claims["iss"] = "https://evil.test";
    EXPECT_EQ(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
              "the token's issuer is not the configured one");
}

TEST(GatewayAuth, RefusesAWrongSignature) {
    const Authenticator authenticator(hs256_settings(), {});
    const auto forged = mint_hs256("another-secret-of-at-least-32-bytes!!", ann());
    EXPECT_EQ(refusal(authenticator.authenticate("Bearer " + forged, "")),
              "the token is malformed or its signature is wrong");
}

TEST(GatewayAuth, RefusesATamperedPayload) {
    const Authenticator authenticator(hs256_settings(), {});
    const auto token = mint_hs256(secret, ann());
    const auto admin_token = mint_hs256("x-other-secret-of-at-least-32-bytes!!",
                                        claims("ann", "acme", "admin", issuer, audience));
    // ann's header and signature around an admin payload.
    const auto first_dot = token.find('.');
    const auto last_dot = token.rfind('.');
    const auto admin_payload =
        admin_token.substr(admin_token.find('.'), admin_token.rfind('.') - admin_token.find('.'));
    const auto tampered = token.substr(0, first_dot) + admin_payload + token.substr(last_dot);
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + tampered, "")), "");
}

TEST(GatewayAuth, RefusesAlgNone) {
    const Authenticator authenticator(hs256_settings(), {});
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + mint_unsigned(ann()), "")), "");
}

TEST(GatewayAuth, RefusesAnRs256TokenWhenHs256IsConfigured) {
    const Authenticator authenticator(hs256_settings(), {});
    const auto keys = testing::generate_rsa_key_pair();
    EXPECT_NE(
        refusal(authenticator.authenticate("Bearer " + mint_rs256(keys.private_pem, ann()), "")),
        "");
}

TEST(GatewayAuth, Rs256AcceptsTokensOfItsKeyOnly) {
    const auto keys = testing::generate_rsa_key_pair();
    const auto other_keys = testing::generate_rsa_key_pair();
    auto settings = hs256_settings();
    settings.algorithm = JwtAlgorithm::rs256;
    settings.key = keys.public_pem;
    const Authenticator authenticator(settings, {});
    EXPECT_EQ(
        identity(authenticator.authenticate("Bearer " + mint_rs256(keys.private_pem, ann()), ""))
            .subject,
        "ann");
    EXPECT_NE(refusal(authenticator.authenticate(
                  "Bearer " + mint_rs256(other_keys.private_pem, ann()), "")),
              "");
}

TEST(GatewayAuth, RefusesTheHsRsConfusion) {
    // The attacker knows the public key and signs HS256 with it as the HMAC secret.
    const auto keys = testing::generate_rsa_key_pair();
    auto settings = hs256_settings();
    settings.algorithm = JwtAlgorithm::rs256;
    settings.key = keys.public_pem;
    const Authenticator authenticator(settings, {});
    const auto forged = mint_hs256(keys.public_pem, ann());
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + forged, "")), "");
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + mint_unsigned(ann()), "")), "");
}

TEST(GatewayAuth, RefusesATokenWithoutSubjectTenantOrKnownCapability) {
    const Authenticator authenticator(hs256_settings(), {});
    for (const char* claim : {"sub", "tenant", "workitem_capability"}) {
        auto token_claims = ann();
        token_claims.erase(claim);
        EXPECT_NE(
            refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
            "")
            << claim;
    }
    for (const char* capability : {"service", "superuser", "USER", ""}) {
        auto token_claims = ann();
        token_claims["workitem_capability"] = capability;
        EXPECT_NE(
            refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, token_claims), "")),
            "")
            << capability;
    }
}

TEST(GatewayAuth, RefusesGarbage) {
    const Authenticator authenticator(hs256_settings(), {});
    for (const char* token : {"", "x", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9..."}) {
        EXPECT_NE(refusal(authenticator.verify_token(token, std::chrono::system_clock::now())), "")
            << token;
    }
}

TEST(GatewayAuth, RefusesTokensWhenNoJwtKeyIsConfigured) {
    const Authenticator authenticator(std::nullopt, {});
    EXPECT_NE(refusal(authenticator.authenticate("Bearer " + mint_hs256(secret, ann()), "")), "");
}

TEST(GatewayAuth, ApiKeysAreMatchedByTheirHash) {
    const auto keys = parse_api_keys(nlohmann::json::array({{{"name", "engine"},
                                                             {"sha256", sha256_hex("k-engine")},
                                                             {"subject", "engine"},
                                                             {"tenant", "acme"},
                                                             {"capability", "service"}}}));
    const Authenticator authenticator(std::nullopt, keys);
    const auto verdict = authenticator.authenticate("", "k-engine");
    const auto& caller = identity(verdict);
    EXPECT_EQ(caller.subject, "engine");
    EXPECT_EQ(caller.capability, Capability::service);
    EXPECT_EQ(caller.on_behalf(), "");
    EXPECT_EQ(caller.credential, "api_key:engine");
    EXPECT_EQ(refusal(authenticator.authenticate("", "k-other")), "unknown API key");
    EXPECT_NE(refusal(authenticator.authenticate("Bearer x", "k-engine")), "");
}

TEST(GatewayAuth, ApiKeyListsAreValidated) {
    const auto entry = [](const std::string& field, const nlohmann::json& value) {
        nlohmann::json key{{"name", "n"},
                           {"sha256", std::string(64, 'a')},
                           {"subject", "s"},
                           {"tenant", "t"},
                           {"capability", "reader"}};
        if (value.is_null()) {
            key.erase(field);
        } else {
            key[field] = value;
        }
        return nlohmann::json::array({key});
    };
    EXPECT_NO_THROW(parse_api_keys(entry("name", "n")));
    EXPECT_THROW(parse_api_keys(nlohmann::json::object()), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("sha256", "abc")), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("sha256", std::string(64, 'g'))), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("capability", "root")), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("tenant", nullptr)), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("key", "plain")), std::invalid_argument);
    EXPECT_THROW(parse_api_keys(entry("subject", "")), std::invalid_argument);
}

TEST(GatewayAuth, AVerifiedTokenIsTakenFromTheCacheWithTheSameIdentity) {
    const Authenticator authenticator(hs256_settings(), {});
    const std::string bearer = "Bearer " + mint_hs256(secret, ann());
    const auto first = identity(authenticator.authenticate(bearer, ""));
    const auto again = identity(authenticator.authenticate(bearer, ""));
    EXPECT_EQ(again.subject, first.subject);
    EXPECT_EQ(again.tenant, first.tenant);
    EXPECT_EQ(again.capability, first.capability);
    EXPECT_EQ(again.expires_at, first.expires_at);
    // A byte changed in the signature is a token never verified: refused.
    std::string forged = bearer;
    char& in_signature = forged[forged.rfind('.') + 5];  // 6 bits of the signature, no padding
    in_signature = in_signature == 'A' ? 'B' : 'A';
    EXPECT_NE(refusal(authenticator.authenticate(forged, "")), "");
}

// A token's identity, valid until `expires_at` (none: an API key's).
Identity identity_until(std::string subject,
                        std::optional<TokenCache::Clock::time_point> expires_at) {
    return Identity{.subject = std::move(subject),
                    .tenant = "acme",
                    .capability = Capability::user,
                    .credential = "jwt",
                    .trace_context = {},
                    .expires_at = expires_at};
}

TEST(GatewayTokenCache, AnswersWithinTheTokensLifetimeOnly) {
    using Clock = TokenCache::Clock;
    const auto now = Clock::now();
    TokenCache cache(4);
    const auto ann_identity = identity_until("ann", now + std::chrono::seconds(10));
    const auto key = sha256("token-of-ann");
    EXPECT_FALSE(cache.find(key, now));
    cache.remember(key, ann_identity, now);
    ASSERT_TRUE(cache.find(key, now));
    EXPECT_EQ(cache.find(key, now)->subject, "ann");
    EXPECT_TRUE(cache.find(key, now + std::chrono::seconds(10)));
    EXPECT_FALSE(cache.find(key, now + std::chrono::seconds(11)));  // expired: verified anew
    EXPECT_FALSE(cache.find(sha256("token-of-bob"), now));
    // An identity without a lifetime (an API key's) or already expired is not kept.
    cache.remember(sha256("k"), identity_until("engine", std::nullopt), now);
    cache.remember(sha256("old"), ann_identity, now + std::chrono::seconds(11));
    EXPECT_EQ(cache.size(), 1u);
}

TEST(GatewayTokenCache, StaysWithinItsCapacity) {
    using Clock = TokenCache::Clock;
    const auto now = Clock::now();
    TokenCache cache(3);
    const auto caller = identity_until("ann", now + std::chrono::seconds(60));
    const auto short_lived = identity_until("ann", now + std::chrono::seconds(1));
    cache.remember(sha256("a"), short_lived, now);
    cache.remember(sha256("b"), caller, now);
    cache.remember(sha256("c"), caller, now);
    // Full: the expired entry goes to make room.
    cache.remember(sha256("d"), caller, now + std::chrono::seconds(2));
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_FALSE(cache.find(sha256("a"), now));
    EXPECT_TRUE(cache.find(sha256("d"), now));
    // Full and nothing expired: it starts afresh, never grows.
    cache.remember(sha256("e"), caller, now);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_TRUE(cache.find(sha256("e"), now));
}

}  // namespace
}  // namespace workitem::gateway
