#include "dev_token.hpp"

#include "config.hpp"

#include <CLI/CLI.hpp>
#include <jwt.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace workitem::gateway {

namespace {

struct JwtDeleter {
    void operator()(jwt_t* token) const { jwt_free(token); }
};
struct FreeDeleter {
    void operator()(char* text) const { std::free(text); }
};

long long seconds_since_epoch(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string mint_token(const JwtSettings& settings, const TokenRequest& request,
                       std::chrono::system_clock::time_point now) {
    if (settings.algorithm != JwtAlgorithm::hs256) {
        throw std::invalid_argument(
            "tokens can be minted only with an HS256 secret; an RS256 gateway holds only the "
            "public key: ask the identity provider");
    }
    if (request.subject.empty()) throw std::invalid_argument("the subject is empty");
    if (request.tenant.empty()) throw std::invalid_argument("the tenant is empty");
    if (request.capability == Capability::service) {
        throw std::invalid_argument("a token is user, admin or reader; service is an API key's");
    }
    if (request.lifetime < std::chrono::seconds(1) || request.lifetime > longest_token_lifetime) {
        throw std::invalid_argument("the lifetime is 1 second to 7 days");
    }
    const long long issued = seconds_since_epoch(now);
    const nlohmann::json claims{
        {"sub", request.subject},
        {settings.tenant_claim, request.tenant},
        {settings.capability_claim, std::string(to_string(request.capability))},
        {"iss", settings.issuer},
        {"aud", settings.audience},
        {"iat", issued},
        {"nbf", issued},
        {"exp", issued + request.lifetime.count()}};
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: out of memory");
    std::unique_ptr<jwt_t, JwtDeleter> token(raw);
    const auto& key = settings.key;
    if (jwt_add_grants_json(token.get(), claims.dump().c_str()) != 0 ||
        jwt_set_alg(token.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0) {
        throw std::runtime_error("libjwt could not build the token");
    }
    std::unique_ptr<char, FreeDeleter> encoded(jwt_encode_str(token.get()));
    if (!encoded) throw std::runtime_error("libjwt could not sign the token");
    return encoded.get();
}

int run_token_command(int argc, const char* const* argv) {
    TokenRequest request;
    std::string capability = "user";
    long long lifetime_seconds = request.lifetime.count();
    CLI::App app{
        "workitem-gateway token: prints a bearer token this gateway accepts, signed with its "
        "HS256 secret (docs/rest.md). The other flags and WORKITEM_GATEWAY_* variables are the "
        "gateway's own (jwt-secret-file, jwt-issuer, jwt-audience, claim names).",
        "workitem-gateway token"};
    app.add_option("--subject", request.subject, "the actor (sub claim)")->required();
    app.add_option("--tenant", request.tenant, "the tenant claim")->required();
    app.add_option("--capability", capability, "user, admin or reader")->capture_default_str();
    app.add_option("--lifetime-seconds", lifetime_seconds, "1 to 604800")->capture_default_str();
    app.allow_extras();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error) == 0 ? 0 : 2;  // --help is 0; every mistake 2, as the gateway's
    }
    try {
        const auto parsed = parse_capability(capability);
        if (!parsed) throw std::invalid_argument("capability is user, admin or reader");
        request.capability = *parsed;
        request.lifetime = std::chrono::seconds(lifetime_seconds);
        // The rest are the gateway's flags: the same parser, so the settings cannot drift.
        std::vector<std::string> rest = app.remaining();
        std::vector<const char*> gateway_argv{"workitem-gateway"};
        for (const auto& argument : rest) gateway_argv.push_back(argument.c_str());
        auto settings =
            parse_command_line(static_cast<int>(gateway_argv.size()), gateway_argv.data());
        if (!settings) return 0;
        const LoadedConfig loaded = load(std::move(*settings));
        if (!loaded.jwt) throw std::invalid_argument("the gateway has no jwt-algorithm set");
        std::cout << mint_token(*loaded.jwt, request, std::chrono::system_clock::now()) << '\n';
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "workitem-gateway token: " << error.what() << '\n';
        return 2;
    }
}

}  // namespace workitem::gateway
