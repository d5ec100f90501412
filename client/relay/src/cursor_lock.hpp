// One relay process per sink cursor (docs/relay.md, Several relays): before it takes a batch, a
// sink's loop holds a PostgreSQL session advisory lock named after its consumer, on a connection
// of its own. A second relay of the same configuration waits on standby and takes the lock, and
// so the cursor, when the first one's connection goes (it died, or lost the database). Without
// the lock, both would deliver every batch.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace workitem::relay {

class CursorLock {
  public:
    // dsn: a libpq connection string (the client's, resolved); name: the consumer's.
    CursorLock(std::string dsn, std::string consumer);
    ~CursorLock();
    CursorLock(const CursorLock&) = delete;
    CursorLock& operator=(const CursorLock&) = delete;

    // Whether this process holds the lock now: takes it if it can (connecting first), checks the
    // connection that holds it when it was held (at most every check_every). Never waits.
    bool hold();

  private:
    std::string dsn_;
    std::string key_;
    void* connection_{nullptr};  // PGconn*
    bool held_{false};
    std::chrono::steady_clock::time_point checked_{};
};

}  // namespace workitem::relay
