#include "call.hpp"

namespace workitem::detail {

// The friend of Operations that may call its protected run().
struct Dispatch {
    static ResultSet run(Operations& operations, Statement& statement) {
        return operations.run(statement);
    }
};

ResultSet call(Operations& operations, std::string_view function, Shape shape, Replay replay,
               const Arguments& arguments, bool idempotent_by_itself) {
    std::vector<std::string_view> names;
    std::vector<Parameter> values;
    for (const auto& argument : arguments) {
        names.push_back(argument.name);
        values.push_back(argument.value);
    }
    Statement statement{call_text(function, names, shape, replay), std::move(values),
                        idempotent_by_itself};
    return Dispatch::run(operations, statement);
}

}  // namespace workitem::detail
