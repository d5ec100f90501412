// One load client's way of calling: every mutation gets an idempotency key of its own, every
// call and its answer go to the journal, and now and then a mutation's reply is "dropped": the
// call is sent again with the same key, and the second answer is journalled as a replay of the
// first (docs/load.md, The mix).
#pragma once

#include "journal.hpp"
#include "transport.hpp"
#include "world.hpp"

#include <chrono>
#include <random>
#include <string>

namespace load {

class Session {
  public:
    Session(int client, Transport& transport, Journal& journal, World& world);

    // Sends the call (a mutation with a fresh key), journals it, maybe sends it again.
    // Returns the first answer.
    Answer call(Call call);

    int client() const { return client_; }
    const std::string& actor() const { return actor_; }
    World& world() { return world_; }
    bool chance(double probability);
    int pick(int count);  // 0 <= pick < count
    // A pause of about `base` (between half and one and a half of it), cut short by the end.
    void pause(std::chrono::milliseconds base);

  private:
    Answer send(const Call& call, std::optional<std::int64_t> replay_of, std::int64_t& number);

    int client_;
    Transport& transport_;
    Journal& journal_;
    World& world_;
    std::string actor_;
    std::mt19937_64 random_;
    std::int64_t keys_{0};
};

// The same answer, as a replayed call must give: outcome, SQLSTATE, items and their versions.
bool same_answer(const Answer& first, const Answer& second);

}  // namespace load
