// Minting a bearer token the gateway accepts: `workitem-gateway token`, for the local default
// and for development (docs/rest.md, "Tokens for development"). Production tokens come from the
// identity provider the gateway is configured to trust; this signs with the gateway's own HS256
// secret, so it can only mint what that gateway would accept.
#pragma once

#include "auth.hpp"

#include <chrono>
#include <string>

namespace workitem::gateway {

struct TokenRequest {
    std::string subject;
    std::string tenant;
    Capability capability{Capability::user};
    std::chrono::seconds lifetime{3600};
};

// The longest lifetime a development token may have.
inline constexpr std::chrono::seconds longest_token_lifetime{7 * 24 * 3600};

// A signed token with sub, the configured tenant and capability claims, iss, aud, iat, nbf and
// exp = now + lifetime. Throws std::invalid_argument when the settings are not HS256 (an RS256
// gateway holds only the public key), the subject or tenant is empty, the capability is
// service (only an API key is a service) or the lifetime is outside 1 s .. 7 days.
std::string mint_token(const JwtSettings& settings, const TokenRequest& request,
                       std::chrono::system_clock::time_point now);

// `workitem-gateway token ...`: argv[0] is "token". Prints the token on stdout and returns 0;
// prints the problem on stderr and returns 2 otherwise. The JWT settings are the gateway's own
// (the same flags and WORKITEM_GATEWAY_* variables).
int run_token_command(int argc, const char* const* argv);

}  // namespace workitem::gateway
