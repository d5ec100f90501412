// Standard Webhooks signatures (https://www.standardwebhooks.com/, docs/relay.md, Webhook sink):
// webhook-signature is "v1,<base64 of HMAC-SHA256(key, id + "." + timestamp + "." + body)>",
// one per secret, separated by spaces, so that a receiver rotating its secret accepts either.
// A secret "whsec_<base64>" signs with the bytes the base64 encodes; any other with its own bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem::relay {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt: not base64
std::string hmac_sha256(std::string_view key, std::string_view message);
// The signing key of a configured secret (see above).
std::string signing_key(const std::string& secret);

// The webhook-signature header value for these secrets.
std::string webhook_signature(const std::vector<std::string>& secrets, std::string_view id,
                              std::int64_t timestamp, std::string_view body);

}  // namespace workitem::relay
