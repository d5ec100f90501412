#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace workitem::gateway {

void TokenBucket::refill(RateClock::time_point now) {
    if (now <= updated_) return;  // a clock read before the last one adds nothing
    const std::chrono::duration<double> elapsed = now - updated_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    updated_ = now;
}

bool TokenBucket::has_token(RateClock::time_point now) {
    refill(now);
    return tokens_ >= 1.0;
}

bool TokenBucket::try_take(RateClock::time_point now) {
    if (!has_token(now)) return false;
    tokens_ -= 1.0;
    return true;
}

std::chrono::duration<double> TokenBucket::wait(RateClock::time_point now) {
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::duration<double>::zero();
    return std::chrono::duration<double>((1.0 - tokens_) / rate_);
}

bool TokenBucket::full(RateClock::time_point now) const {
    const std::chrono::duration<double> elapsed = now - updated_;
    return tokens_ + std::max(0.0, elapsed.count()) * rate_ >= burst_;
}

TokenBucket& RateLimiter::Buckets::touch(const std::string& key, RateClock::time_point now) {
    if (const auto found = index_.find(key); found != index_.end()) {
        order_.splice(order_.begin(), order_, found->second);
        return order_.front().second;
    }
    order_.emplace_front(key, TokenBucket(rate_, burst_, now));
    index_.emplace(key, order_.begin());
    while (order_.size() > capacity_ && order_.size() > 1) {
        index_.erase(order_.back().first);
        order_.pop_back();
    }
    return order_.front().second;
}

void RateLimiter::Buckets::trim(RateClock::time_point now) {
    // Two per call: more than the one bucket a call can add, so idle buckets never pile up.
    for (int i = 0; i < 2 && !order_.empty() && order_.back().second.full(now); ++i) {
        index_.erase(order_.back().first);
        order_.pop_back();
    }
}

RateLimiter::RateLimiter(RateLimitSettings settings, Now now)
    : now_(std::move(now)),
      credentials_(settings.credential_rate, settings.credential_burst, settings.max_buckets),
      tenants_(settings.tenant_rate, settings.tenant_burst, settings.max_buckets) {}

std::optional<RateLimitRefusal> RateLimiter::admit(const std::string& credential,
                                                   const std::string& tenant) {
    std::lock_guard lock(mutex_);
    const auto now = now_();
    credentials_.trim(now);
    tenants_.trim(now);
    TokenBucket* own = credentials_.limited() ? &credentials_.touch(credential, now) : nullptr;
    TokenBucket* shared = tenants_.limited() ? &tenants_.touch(tenant, now) : nullptr;
    const bool own_has = own == nullptr || own->has_token(now);
    const bool shared_has = shared == nullptr || shared->has_token(now);
    if (own_has && shared_has) {
        if (own != nullptr) own->try_take(now);
        if (shared != nullptr) shared->try_take(now);
        return std::nullopt;
    }
    std::chrono::duration<double> wait{0};
    if (own != nullptr) wait = std::max(wait, own->wait(now));
    if (shared != nullptr) wait = std::max(wait, shared->wait(now));
    RateLimitRefusal refusal;
    refusal.scope = own_has ? "tenant" : "credential";
    refusal.retry_after_seconds = std::max(1, static_cast<int>(std::ceil(wait.count())));
    ++(own_has ? refused_tenant_ : refused_credential_);
    return refusal;
}

std::size_t RateLimiter::buckets() const {
    std::lock_guard lock(mutex_);
    return credentials_.size() + tenants_.size();
}

}  // namespace workitem::gateway
