// The service programs' flags (workitem-gateway, workitem-relay): each flag --some-name is also
// read from the environment variable <prefix>SOME_NAME, and the flag wins over the variable
// (docs/rest.md and docs/relay.md list them).
#pragma once

#include <CLI/CLI.hpp>

#include <cctype>
#include <string>
#include <string_view>

namespace workitem::service {

inline std::string environment_name(std::string_view prefix, std::string_view flag) {
    std::string name{prefix};
    for (const char character : flag) {
        name += character == '-' ? '_' : static_cast<char>(std::toupper(character));
    }
    return name;
}

template <class T>
CLI::Option* env_setting(CLI::App& app, std::string_view prefix, const std::string& flag, T& value,
                         const std::string& help) {
    return app.add_option("--" + flag, value, help)
        ->envname(environment_name(prefix, flag))
        ->capture_default_str();
}

}  // namespace workitem::service
