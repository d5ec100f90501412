// The logger hook, formatted lazily: nothing is formatted when no logger is set.
#pragma once

#include <workitem/options.hpp>

#include <fmt/format.h>

#include <utility>

namespace workitem::detail {

class Log {
  public:
    explicit Log(Logger logger) : logger_(std::move(logger)) {}

    template <class... Args>
    void operator()(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
        if (!logger_) return;
        try {
            logger_(level, fmt::format(format, std::forward<Args>(args)...));
        } catch (...) {
            // A logger must not throw; if it does, the call it reports on is not its victim.
        }
    }

  private:
    Logger logger_;
};

}  // namespace workitem::detail
