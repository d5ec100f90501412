// The load driver's one view of the system under test: a call of the mix goes in, its answer
// comes out, whatever carries it. SdkTransport carries calls through libworkitem (and so through
// pgbouncer or straight to PostgreSQL); a transport over the REST gateway implements the same
// interface, so the actors, the journal and the checks (docs/load.md) stay as they are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace load {

// The calls of the mix (docs/load.md, The mix).
enum class Op {
    create,
    create_many,
    cancel_workflow,
    worklist,
    list,
    claim,
    start,
    save_output,
    complete,
    fail,
    delegate,
    forward,
    suspend,
    resume,
    release,
    claim_next,
    claim_next_many,
    acknowledge_and_claim_next,
    heartbeat,
};

std::string_view to_string(Op op);
bool is_read(Op op);

// A held item a worker reports in acknowledge_and_claim_next: completed, or failed when failed.
struct Acknowledgement {
    std::int64_t item_id{};
    bool failed{false};
};

// One item of create_many.
struct NewItem {
    std::string task_name{};
    std::vector<std::string> groups{};  // offered to these groups
    std::optional<std::string> queue{};
    std::vector<std::string> four_eyes_with{};
    int priority{0};
};

// One request. Every field an operation does not use stays empty; the same Call sent twice is
// the same request (a retry after a dropped reply sends it again, key included).
struct Call {
    Op op{};
    std::string actor{};
    std::optional<std::int64_t> item_id{};
    std::optional<std::int64_t> expected_version{};
    std::optional<std::string> idempotency_key{};
    std::string workflow_id{};           // create, create_many, cancel_workflow
    std::vector<NewItem> new_items{};    // create (one), create_many (several)
    std::string to_user{};               // delegate
    std::vector<std::string> groups{};   // forward: the new potential owners
    std::optional<std::string> queue{};  // claim_next*, acknowledge_and_claim_next, list
    std::optional<int> lease_seconds{};
    int max_items{1};  // claim_next_many, acknowledge_and_claim_next
    std::vector<Acknowledgement> acknowledgements{};
    std::vector<std::int64_t> item_ids{};  // heartbeat (one batch call for every id)
    int page_size{20};                     // worklist, list
};

// An item as an answer shows it.
struct ItemView {
    std::int64_t id{};
    std::int64_t version{};
    std::string state{};
    std::string owner{};  // empty: none
    std::string workflow_id{};
    std::string task_name{};
};

enum class Outcome {
    ok,        // the database did it (or replayed that it did)
    refused,   // the database said no: a WI SQLSTATE, nothing changed
    in_doubt,  // the reply was lost after the call may have committed
    failed,    // no answer: a transport or transient failure that outlived the retries
};
std::string_view to_string(Outcome outcome);

// What one item of a call came to. A single operation answers one row; create_many one per
// new item; acknowledge_and_claim_next one per acknowledgement (operation complete or fail)
// and one per item claimed (claim_next); cancel_workflow one per item cancelled. `operation`
// is what the event log records for the row (docs/events.md), so the checks can find it.
struct Row {
    std::string operation{};
    std::optional<std::int64_t> item_id{};
    Outcome outcome{Outcome::ok};
    std::string sqlstate{};
    std::optional<ItemView> item{};
};

struct Answer {
    Outcome outcome{Outcome::ok};  // of the call as a whole
    std::string sqlstate{};        // when not ok: the SQLSTATE, if any
    std::string message{};
    std::vector<Row> rows{};
    std::vector<ItemView> listed{};  // worklist, list
};

// What every transport sends and journals alike, so that a call means the same through each:
// the event operation a single-item call records (docs/events.md), and the output and fault
// documents, fixed by the call so that a call sent again is the same request.
std::string event_operation(Op op);
std::string output_of(const Call& call);
std::string fault_of(const Call& call);

class Transport {
  public:
    virtual ~Transport() = default;
    virtual Answer send(const Call& call) = 0;
};

}  // namespace load
