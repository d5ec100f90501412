// One call of a SQL function, as the operations build it and the Client or a Tx sends it.
#pragma once

#include <workitem/client.hpp>

#include <string>
#include <vector>

namespace workitem::detail {

enum class Replay {
    safe,           // a read, or a call that does the same thing however often it is sent
    with_key_only,  // a mutation: sent again after a lost connection only with an idempotency key
};

// The fixed text of a call: the same for every call of one function, so it can be prepared.
struct CallText {
    std::string function;  // the SQL function called, for the log
    std::string name;      // the prepared statement's name
    std::string sql;
    Replay replay;
    int key_parameter;  // index of the idempotency_key parameter, -1 without one
    // The function's parameters it names, in order ($1, $2, ...): what the SQL coverage test
    // compares with pg_proc.
    std::vector<std::string> parameter_names{};
};

struct Statement {
    const CallText& text;
    std::vector<Parameter> parameters;
    bool idempotent_by_itself{false};  // e.g. a create with a step_ref
    bool key_generated{false};         // the key is the library's (generate_idempotency_keys)

    bool has_key() const {
        return text.key_parameter >= 0 && parameters[static_cast<std::size_t>(text.key_parameter)];
    }
    bool replay_safe() const {
        return text.replay == Replay::safe || idempotent_by_itself || has_key();
    }
};

}  // namespace workitem::detail
