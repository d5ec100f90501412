// The load driver's tokens for the REST gateway: one HS256 JWT per simulated user, signed with
// the gateway's own secret and carrying the claims it checks (docs/rest.md, Who is calling), as
// an identity provider would issue them. Minted with libjwt, as tests/gateway does.
#pragma once

#include <string>

namespace load {

struct TokenSettings {
    std::string secret;  // HS256, at least 32 bytes: read from a file, never a flag
    std::string issuer;
    std::string audience;
    std::string tenant{"default"};
    int lifetime_seconds{86400};
};

// A token for `subject` with the capability `user` or `admin`.
std::string mint_token(const TokenSettings& settings, const std::string& subject,
                       const std::string& capability);

}  // namespace load
