#include "token_cache.hpp"

#include <cstring>

namespace workitem::gateway {

std::size_t TokenCache::DigestHash::operator()(const Digest& digest) const {
    // The digest is uniformly distributed already: its first bytes are a good hash.
    std::size_t hash = 0;
    std::memcpy(&hash, digest.data(), sizeof hash);
    return hash;
}

std::optional<Identity> TokenCache::find(const Digest& token, Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(token);
    if (found == entries_.end()) return std::nullopt;
    const auto& expires_at = found->second.expires_at;
    if (!expires_at || now > *expires_at) return std::nullopt;
    return found->second;
}

void TokenCache::remember(const Digest& token, const Identity& identity, Clock::time_point now) {
    if (capacity_ == 0 || !identity.expires_at || now > *identity.expires_at) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.contains(token)) {
        std::erase_if(entries_, [now](const auto& entry) {
            return !entry.second.expires_at || now > *entry.second.expires_at;
        });
        // Nothing had expired: start afresh rather than keep track of which entry is oldest
        // (the tokens in use come back at their next request).
        if (entries_.size() >= capacity_) entries_.clear();
    }
    entries_.insert_or_assign(token, identity);
}

std::size_t TokenCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace workitem::gateway
