// Who is calling: a JWT bearer token (HS256 with a shared secret or RS256 with a public key,
// exactly one of them configured) or a static API key for services. The gateway only
// authenticates; what the caller may do is decided by the database, to which the identity is
// declared per transaction (docs/security.md, "A service acting for an end user").
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace workitem::gateway {

// What the caller may do, as declared to the database. A token carries user, admin or reader;
// only an API key may be service (the gateway's own full rights, no on_behalf declared).
enum class Capability { service, admin, user, reader };
std::string_view to_string(Capability capability);
std::optional<Capability> parse_capability(std::string_view text);

struct Identity {
    std::string subject;  // the actor of every call
    std::string tenant;
    Capability capability{Capability::reader};
    std::string credential;  // "jwt" or "api_key:<name>", for the log
    // Not who but which trace: the request's W3C traceparent, when well formed, carried with
    // the caller into its transaction and recorded with the events it writes (docs/rest.md).
    std::string trace_context;
    // When a token stops being valid (exp plus the leeway); none for an API key. What outlives
    // its request (the worklist stream) ends then.
    std::optional<std::chrono::system_clock::time_point> expires_at;

    // workitem.on_behalf for this caller: "" for a service (its full rights).
    std::string on_behalf() const;
};

struct AuthFailure {
    bool credential_sent{false};  // false: nothing was sent (401 without error="invalid_token")
    std::string reason;           // for the problem's detail; never quotes the credential
};

// The SHA-256 digest of some bytes (an API key, a token).
std::array<unsigned char, 32> sha256(std::string_view data);

enum class JwtAlgorithm { hs256, rs256 };

struct JwtSettings {
    JwtAlgorithm algorithm{JwtAlgorithm::hs256};
    std::string key;  // the HS256 secret, or the RS256 public key in PEM
    std::string issuer;
    std::string audience;
    std::chrono::seconds leeway{30};
    std::string tenant_claim{"tenant"};
    std::string capability_claim{"workitem_capability"};
};

struct ApiKey {
    std::string name;
    std::array<unsigned char, 32> sha256{};  // only the key's hash is configured
    std::string subject;
    std::string tenant;
    Capability capability{Capability::reader};
};

// Reads the API key list: a JSON array of {"name", "sha256" (64 hex digits of the key's
// SHA-256), "subject", "tenant", "capability"}. Throws std::invalid_argument naming the entry.
std::vector<ApiKey> parse_api_keys(const nlohmann::json& document);

class TokenCache;

class Authenticator {
  public:
    // Tokens verified are remembered (token_cache.hpp), at most this many.
    static constexpr std::size_t verified_tokens_kept = 10000;

    Authenticator(std::optional<JwtSettings> jwt, std::vector<ApiKey> api_keys);
    ~Authenticator();
    Authenticator(const Authenticator&) = delete;
    Authenticator& operator=(const Authenticator&) = delete;

    // authorization: the Authorization header ("" if absent); api_key: X-API-Key ("" if absent).
    // A token verified before and still within its lifetime is taken from the cache.
    std::variant<Identity, AuthFailure> authenticate(std::string_view authorization,
                                                     std::string_view api_key) const;

    // The token's identity, or why it is refused; `now` is the time the claims are checked at.
    std::variant<Identity, AuthFailure> verify_token(
        const std::string& token, std::chrono::system_clock::time_point now) const;

  private:
    std::variant<Identity, AuthFailure> verify_api_key(std::string_view key) const;

    std::optional<JwtSettings> jwt_;
    std::vector<ApiKey> api_keys_;
    std::unique_ptr<TokenCache> verified_;
};

}  // namespace workitem::gateway
