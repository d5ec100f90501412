// Included by every core header: the core is pure C++ and must never see PostgreSQL's headers,
// whose macros (Max, foreach, elog, snprintf...) silently change the meaning of library code.
#pragma once
#if defined(POSTGRES_H)
static_assert(false, "workitem core headers must be included before postgres.h");
#endif
