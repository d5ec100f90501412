// Whether the people a new item is offered to can take it. Creating an item nobody can claim is
// not refused (an administrator may allocate or forward it, the directory may be synced later),
// but it is not silent either: docs/domain.md §3.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg {

// Why some or all of a new item's potential owners cannot claim it, or nullptr: an offered (or
// waiting) item without potential owners, or offered to groups without members or to users
// unknown to a directory the tenant keeps. Must run inside SPI.
const char* unreachable_reason(const char* tenant, Datum item);

// The WARNING a single create sends with the reason.
void warn_unreachable(const char* reason);

// The one WARNING of a batch: how many of `created` items are concerned, with their reasons.
void warn_unreachable_batch(int created, const char* const* reasons, int count);

}  // namespace workitem::pg
