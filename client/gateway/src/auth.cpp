#include "auth.hpp"

#include "token_cache.hpp"

#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace workitem::gateway {

namespace {

using Clock = std::chrono::system_clock;
using json = nlohmann::json;

struct JwtDeleter {
    void operator()(jwt_t* token) const { jwt_free(token); }
};
using JwtPointer = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
    void operator()(char* text) const { std::free(text); }
};

AuthFailure refused(std::string reason) {
    return AuthFailure{.credential_sent = true, .reason = std::move(reason)};
}

jwt_alg_t libjwt_algorithm(JwtAlgorithm algorithm) {
    return algorithm == JwtAlgorithm::hs256 ? JWT_ALG_HS256 : JWT_ALG_RS256;
}

std::optional<std::array<unsigned char, 32>> parse_sha256_hex(const std::string& hex) {
    if (hex.size() != 64) return std::nullopt;
    std::array<unsigned char, 32> digest{};
    for (std::size_t i = 0; i < digest.size(); ++i) {
        const auto byte = hex.substr(2 * i, 2);
        if (byte.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
            return std::nullopt;
        }
        digest[i] = static_cast<unsigned char>(std::stoi(byte, nullptr, 16));
    }
    return digest;
}

// A NumericDate claim (RFC 7519: seconds since the epoch, possibly fractional).
std::optional<Clock::time_point> numeric_date(const json& claims, const char* name) {
    const auto found = claims.find(name);
    if (found == claims.end() || !found->is_number()) return std::nullopt;
    const double seconds = found->get<double>();
    // Beyond the year 9999 (or before 1970) a date is no date this gateway can compare.
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0) return std::nullopt;
    return Clock::time_point(std::chrono::seconds(static_cast<long long>(seconds)));
}

std::string string_claim(const json& claims, const std::string& name) {
    const auto found = claims.find(name);
    if (found == claims.end() || !found->is_string()) return {};
    return found->get<std::string>();
}

bool audience_matches(const json& claims, const std::string& audience) {
    const auto found = claims.find("aud");
    if (found == claims.end()) return false;
    if (found->is_string()) return found->get<std::string>() == audience;
    if (!found->is_array()) return false;
    for (const auto& entry : *found) {
        if (entry.is_string() && entry.get<std::string>() == audience) return true;
    }
    return false;
}

}  // namespace

std::array<unsigned char, 32> sha256(std::string_view data) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
        length != digest.size()) {
        throw std::runtime_error("SHA-256 failed");
    }
    return digest;
}

std::string_view to_string(Capability capability) {
    switch (capability) {
        case Capability::service:
            return "service";
        case Capability::admin:
            return "admin";
        case Capability::user:
            return "user";
        case Capability::reader:
            return "reader";
    }
    return "reader";
}

std::optional<Capability> parse_capability(std::string_view text) {
    for (const auto capability :
         {Capability::service, Capability::admin, Capability::user, Capability::reader}) {
        if (to_string(capability) == text) return capability;
    }
    return std::nullopt;
}

std::string Identity::on_behalf() const {
    return capability == Capability::service ? std::string() : std::string(to_string(capability));
}

std::vector<ApiKey> parse_api_keys(const json& document) {
    if (!document.is_array()) throw std::invalid_argument("the API key file holds a JSON array");
    std::vector<ApiKey> keys;
    for (std::size_t index = 0; index < document.size(); ++index) {
        const auto& entry = document[index];
        const auto where = "API key " + std::to_string(index + 1);
        if (!entry.is_object()) throw std::invalid_argument(where + " is not an object");
        for (const auto& [field, value] : entry.items()) {
            if (field != "name" && field != "sha256" && field != "subject" && field != "tenant" &&
                field != "capability") {
                throw std::invalid_argument(where + " has an unknown field " + field);
            }
            if (!value.is_string() || value.get<std::string>().empty()) {
                throw std::invalid_argument(where + ": " + field + " is a non-empty string");
            }
        }
        for (const char* required : {"name", "sha256", "subject", "tenant", "capability"}) {
            if (!entry.contains(required)) {
                throw std::invalid_argument(where + " has no " + std::string(required));
            }
        }
        ApiKey key;
        key.name = entry["name"].get<std::string>();
        key.subject = entry["subject"].get<std::string>();
        key.tenant = entry["tenant"].get<std::string>();
        const auto digest = parse_sha256_hex(entry["sha256"].get<std::string>());
        if (!digest) {
            throw std::invalid_argument(where + " (" + key.name +
                                        "): sha256 is 64 hex digits (sha256sum of the key)");
        }
        key.sha256 = *digest;
        const auto capability = parse_capability(entry["capability"].get<std::string>());
        if (!capability) {
            throw std::invalid_argument(where + " (" + key.name +
                                        "): capability is service, admin, user or reader");
        }
        key.capability = *capability;
        keys.push_back(std::move(key));
    }
    return keys;
}

Authenticator::Authenticator(std::optional<JwtSettings> jwt, std::vector<ApiKey> api_keys)
    : jwt_(std::move(jwt)),
      api_keys_(std::move(api_keys)),
      verified_(std::make_unique<TokenCache>(verified_tokens_kept)) {}

Authenticator::~Authenticator() = default;

std::variant<Identity, AuthFailure> Authenticator::authenticate(std::string_view authorization,
                                                                std::string_view api_key) const {
    if (!authorization.empty() && !api_key.empty()) {
        return refused("send either a bearer token or an API key, not both");
    }
    if (!api_key.empty()) return verify_api_key(api_key);
    if (authorization.empty()) {
        return AuthFailure{.credential_sent = false,
                           .reason =
                               "a bearer token (Authorization) or an API key (X-API-Key) "
                               "is needed"};
    }
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return refused("the Authorization header is not a bearer token");
    }
    const auto token = authorization.substr(scheme.size());
    const auto now = Clock::now();
    const auto key = sha256(token);
    if (auto known = verified_->find(key, now)) return *std::move(known);
    auto verdict = verify_token(std::string(token), now);
    if (const auto* identity = std::get_if<Identity>(&verdict)) {
        verified_->remember(key, *identity, now);
    }
    return verdict;
}

std::variant<Identity, AuthFailure> Authenticator::verify_api_key(std::string_view key) const {
    const auto digest = sha256(key);
    // Every configured key is compared, in constant time, so the answer's timing tells nothing.
    const ApiKey* found = nullptr;
    for (const auto& candidate : api_keys_) {
        if (CRYPTO_memcmp(candidate.sha256.data(), digest.data(), digest.size()) == 0) {
            found = &candidate;
        }
    }
    if (found == nullptr) return refused("unknown API key");
    return Identity{.subject = found->subject,
                    .tenant = found->tenant,
                    .capability = found->capability,
                    .credential = "api_key:" + found->name,
                    .trace_context = {},
                    .expires_at = std::nullopt};
}

std::variant<Identity, AuthFailure> Authenticator::verify_token(const std::string& token,
                                                                Clock::time_point now) const {
    if (!jwt_) return refused("bearer tokens are not accepted here (no JWT key is configured)");
    const JwtSettings& settings = *jwt_;
    jwt_t* decoded = nullptr;
    // libjwt verifies the signature with the algorithm the token's header names, and refuses
    // alg=none when a key is given. Which algorithm is acceptable is ours to say: checked
    // below, so that a token signed with HS256 using the RS256 public key as its secret (the
    // HS/RS confusion) is refused although its HMAC verifies.
    const int status = jwt_decode(&decoded, token.c_str(),
                                  reinterpret_cast<const unsigned char*>(settings.key.data()),
                                  static_cast<int>(settings.key.size()));
    JwtPointer owned(decoded);
    if (status != 0 || !owned) return refused("the token is malformed or its signature is wrong");
    if (jwt_get_alg(owned.get()) != libjwt_algorithm(settings.algorithm)) {
        return refused("the token is signed with an algorithm this gateway does not accept");
    }
    std::unique_ptr<char, FreeDeleter> claims_text(jwt_get_grants_json(owned.get(), nullptr));
    if (!claims_text) return refused("the token has no claims");
    const json claims = json::parse(claims_text.get(), nullptr, false);
    if (!claims.is_object()) return refused("the token's claims are not an object");

    const auto expires = numeric_date(claims, "exp");
    if (!expires) return refused("the token has no valid exp claim");
    if (now > *expires + settings.leeway) return refused("the token has expired");
    if (claims.contains("nbf")) {
        const auto not_before = numeric_date(claims, "nbf");
        if (!not_before) return refused("the token's nbf claim is not a number");
        if (now + settings.leeway < *not_before) return refused("the token is not valid yet");
    }
    if (string_claim(claims, "iss") != settings.issuer) {
        return refused("the token's issuer is not the configured one");
    }
    if (!audience_matches(claims, settings.audience)) {
        return refused("the token is meant for another audience");
    }
    Identity identity;
    identity.subject = string_claim(claims, "sub");
    if (identity.subject.empty()) return refused("the token has no subject (sub)");
    identity.tenant = string_claim(claims, settings.tenant_claim);
    if (identity.tenant.empty()) {
        return refused("the token has no tenant claim (" + settings.tenant_claim + ")");
    }
    const auto capability = parse_capability(string_claim(claims, settings.capability_claim));
    if (!capability || *capability == Capability::service) {
        return refused("the token's " + settings.capability_claim +
                       " claim is not user, admin or reader");
    }
    identity.capability = *capability;
    identity.credential = "jwt";
    identity.expires_at = *expires + settings.leeway;
    return identity;
}

}  // namespace workitem::gateway
