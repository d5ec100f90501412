// Tokens minted in the tests with libjwt (and an RSA key pair made with OpenSSL), so that every
// token the gateway is shown was signed the way a real issuer signs it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace workitem::gateway::testing {

struct RsaKeyPair {
    std::string private_pem;
    std::string public_pem;
};

RsaKeyPair generate_rsa_key_pair();

std::string mint_hs256(const std::string& secret, const nlohmann::json& payload);
std::string mint_rs256(const std::string& private_pem, const nlohmann::json& payload);
// alg=none: no signature at all.
std::string mint_unsigned(const nlohmann::json& payload);

// Claims of a valid token: sub, the tenant and capability claims, iss, aud, exp in an hour.
nlohmann::json claims(const std::string& subject, const std::string& tenant,
                      const std::string& capability, const std::string& issuer,
                      const std::string& audience);

// SHA-256 of a text as lower-case hex: how an API key is written in the gateway's key file.
std::string sha256_hex(const std::string& text);

// Seconds since the epoch, now.
long long now_seconds();

}  // namespace workitem::gateway::testing
