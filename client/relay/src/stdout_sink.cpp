#include "stdout_sink.hpp"

#include <cerrno>
#include <cstring>

namespace workitem::relay {

std::mutex StdoutSink::mutex_;

Delivery StdoutSink::deliver(const RelayEvent& event) {
    std::lock_guard lock(mutex_);
    const bool written = std::fwrite(event.envelope.data(), 1, event.envelope.size(), out_) ==
                             event.envelope.size() &&
                         std::fputc('\n', out_) != EOF && std::fflush(out_) == 0;
    if (written) return Delivery::ok();
    const int error = errno;
    std::clearerr(out_);
    return Delivery::failed(Delivery::Outcome::retry, "write", std::strerror(error));
}

}  // namespace workitem::relay
