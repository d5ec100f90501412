// Bearer tokens already verified, for the rest of their lifetime: a client sends the same token
// with every request, and checking its signature and parsing its claims again each time cost
// more than the rest of the gateway's work on a request. Keyed by the SHA-256 of the token's
// bytes (the tokens themselves are not kept), so a token differing in any byte is verified anew.
// Bounded: when full, the expired entries go, and if none had expired, all of them.
#pragma once

#include "auth.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace workitem::gateway {

class TokenCache {
  public:
    using Clock = std::chrono::system_clock;
    using Digest = std::array<unsigned char, 32>;  // sha256(token)

    explicit TokenCache(std::size_t capacity) : capacity_(capacity) {}

    // The identity a token verified to, while `now` is within its lifetime (expires_at).
    std::optional<Identity> find(const Digest& token, Clock::time_point now) const;
    // Remembers a verified token's identity until its expires_at (none: not kept).
    void remember(const Digest& token, const Identity& identity, Clock::time_point now);

    std::size_t size() const;

  private:
    struct DigestHash {
        std::size_t operator()(const Digest& digest) const;
    };

    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<Digest, Identity, DigestHash> entries_;
};

}  // namespace workitem::gateway
