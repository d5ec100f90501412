#include "stdout_sink.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace workitem::relay {

std::mutex StdoutSink::mutex_;

Delivery StdoutSink::deliver(const RelayEvent& event) {
    std::lock_guard lock(mutex_);
    const std::string line = event.envelope + '\n';
    std::size_t written = cut_id_ == event.id ? cut_at_ : 0;
    while (written < line.size()) {
        const auto wrote = ::write(fd_, line.data() + written, line.size() - written);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int error = wrote < 0 ? errno : EIO;
            cut_id_ = event.id;
            cut_at_ = written;
            return Delivery::failed(Delivery::Outcome::retry, "write", std::strerror(error));
        }
        written += static_cast<std::size_t>(wrote);
    }
    cut_id_.clear();
    cut_at_ = 0;
    return Delivery::ok();
}

}  // namespace workitem::relay
