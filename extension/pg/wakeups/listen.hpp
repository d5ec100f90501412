// The waiter's side of the wake-ups: registers a wait on some slots (one-shot: the first commit
// that touches one clears its flag) and LISTENs on their channels. Both take effect for the
// waiter at its commit: it registers in a transaction of its own, then looks (claim_next,
// next_batch), then waits for a notification.
#pragma once

#include <string_view>

#include "wakeups/slots.hpp"

namespace workitem::pg::wakeups {

// Registers the keys (kind, tenant, queue, each principal; events: no principals) and LISTENs on
// their slots' channels; returns the channels, each once, as a text[] datum. Waits (briefly) for
// the commits already deciding whom to wake on these slots to end, so that whatever they made is
// visible to the waiter's next look.
Datum listen(Kind kind, std::string_view tenant, std::string_view queue, Datum principals,
             bool has_principals);

}  // namespace workitem::pg::wakeups
