// Rate limits: a token bucket per credential (a token's tenant and subject, an API key) and one
// per tenant, held in this process's memory — so per replica: N replicas behind a balancer let
// N times the rate through (docs/rest.md, "Limits"). A request takes a token from both buckets
// or from neither; refused, it learns how long until both have one (429 + Retry-After).
// Memory is bounded: the buckets of each scope are kept in least-recently-used order, a bucket
// idle long enough to be full again is forgotten (a new one starts full: nothing changes), and
// past max_buckets the least recently used goes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace workitem::gateway {

using RateClock = std::chrono::steady_clock;

// Tokens accrue at `rate` a second up to `burst`; a request spends one.
class TokenBucket {
  public:
    TokenBucket(double rate, double burst, RateClock::time_point now)
        : rate_(rate), burst_(burst), tokens_(burst), updated_(now) {}

    // Takes a token if there is one; otherwise takes nothing.
    bool try_take(RateClock::time_point now);
    // Whether a token is there now (refilling first).
    bool has_token(RateClock::time_point now);
    // Time until a token is there: zero when one is.
    std::chrono::duration<double> wait(RateClock::time_point now);
    // Refilled to the brim by now: indistinguishable from a new bucket.
    bool full(RateClock::time_point now) const;

  private:
    void refill(RateClock::time_point now);

    double rate_;
    double burst_;
    double tokens_;
    RateClock::time_point updated_;
};

struct RateLimitSettings {
    // Tokens a second per credential, and the most a credential can spend at once; rate 0: no
    // limit per credential.
    double credential_rate{1000};
    double credential_burst{2000};
    double tenant_rate{5000};
    double tenant_burst{10000};
    // Buckets kept per scope at most (some tens of bytes each).
    std::size_t max_buckets{100000};
};

struct RateLimitRefusal {
    std::string scope;  // "credential" or "tenant": the bucket that was empty (the first, both)
    int retry_after_seconds{1};  // whole seconds until both buckets have a token, at least 1
};

class RateLimiter {
  public:
    using Now = std::function<RateClock::time_point()>;

    explicit RateLimiter(
        RateLimitSettings settings, Now now = [] { return RateClock::now(); });

    // Spends a token of the credential's bucket and of the tenant's, or refuses.
    std::optional<RateLimitRefusal> admit(const std::string& credential, const std::string& tenant);

    // Requests refused so far, by the scope of the empty bucket (for /metrics).
    unsigned long long refused(const std::string& scope) const {
        return scope == "tenant" ? refused_tenant_.load() : refused_credential_.load();
    }
    // Buckets held now, both scopes together.
    std::size_t buckets() const;

  private:
    // One scope's buckets, most recently used first.
    class Buckets {
      public:
        Buckets(double rate, double burst, std::size_t capacity)
            : rate_(rate), burst_(burst), capacity_(capacity) {}
        bool limited() const { return rate_ > 0; }
        // The key's bucket, created full when absent, moved to the front.
        TokenBucket& touch(const std::string& key, RateClock::time_point now);
        // Forgets the least recently used buckets that are full again (a few per call, so the
        // cost stays constant) and those past the capacity.
        void trim(RateClock::time_point now);
        std::size_t size() const { return order_.size(); }

      private:
        double rate_;
        double burst_;
        std::size_t capacity_;
        std::list<std::pair<std::string, TokenBucket>> order_;
        std::unordered_map<std::string, decltype(order_)::iterator> index_;
    };

    Now now_;
    mutable std::mutex mutex_;
    Buckets credentials_;
    Buckets tenants_;
    std::atomic<unsigned long long> refused_credential_{0};
    std::atomic<unsigned long long> refused_tenant_{0};
};

}  // namespace workitem::gateway
