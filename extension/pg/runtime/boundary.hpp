// The one crossing between C++ exceptions and PostgreSQL's longjmp errors.
//
// Every SQL-callable function decides in the core through cpp_boundary(): C++ runs inside a
// try block; a refusal (core::Error) or an exception is *recorded* as plain data, the handler is
// left, and only then is the error raised with ereport. Nothing else in the extension uses
// PG_TRY or catches C++ exceptions. Values leaving the boundary must be trivially destructible,
// because PG-side code may longjmp over them.
#pragma once

#include <cstdint>
#include <exception>
#include <new>
#include <string_view>
#include <type_traits>

#include "workitem/core/errors.hpp"
#include "workitem/core/result.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// An error to raise once the C++ stack is gone. Strings are palloc'd (or static).
struct Failure {
    int sqlerrcode = 0;
    const char* message = nullptr;
    const char* detail = nullptr;
    const char* hint = nullptr;
};

// palloc that reports exhaustion as std::bad_alloc instead of longjmp: for use inside the boundary.
char* copy_to_palloc(std::string_view text);

// Records a core refusal as a Failure (inside the boundary).
Failure failure_from(const core::Error& error);
// Records an exception as a Failure (inside a catch handler: copies into static storage only).
Failure failure_from_exception(const std::exception* exception) noexcept;

// Raises a recorded failure as a PostgreSQL error (outside any catch handler). Every refusal of
// ours is raised here: the one place that sees them all before the rollback.
[[noreturn]] void raise(const Failure& failure);
// Shown every failure raise() raises, just before it is raised (PG zone; it may palloc, and
// must not raise itself). One observer per backend: policy/refusal_note.hpp keeps the refusal of
// a call made with an idempotency key past its rollback. nullptr: none.
using RaiseObserver = void (*)(const Failure& failure);
void observe_raised_failures(RaiseObserver observer);
// Raises one of our own errors directly from glue code (PG zone).
[[noreturn]] void raise(core::ErrorCode code, const char* message, const char* detail = nullptr,
                        const char* hint = nullptr);

int sqlstate_of(core::ErrorCode code);

// Runs `body(context)` (PG zone) and catches a PostgreSQL error it raises: returns a copy of the
// error (in the memory context current at the call) with the error state flushed, or nullptr.
// The caller must then abort its transaction. Only for loops that must outlive one failure: the
// timer's background worker.
ErrorData* catch_pg_error(void (*body)(void*), void* context);

// Runs `body` (returning core::Result<T>) in C++; returns T or raises the recorded error.
template <class Body>
auto cpp_boundary(Body&& body) -> typename std::invoke_result_t<Body>::value_type {
    using Value = typename std::invoke_result_t<Body>::value_type;
    static_assert(std::is_trivially_destructible_v<Value>,
                  "values leaving the C++ boundary must survive a longjmp");
    Value value{};
    Failure failure{};
    bool failed = false;
    try {
        auto result = body();
        if (result) {
            value = result.value();
        } else {
            failure = failure_from(result.error());
            failed = true;
        }
    } catch (const std::exception& exception) {
        failure = failure_from_exception(&exception);
        failed = true;
    } catch (...) {
        failure = failure_from_exception(nullptr);
        failed = true;
    }
    if (failed) raise(failure);  // the handler and the exception object are gone by now
    return value;
}

}  // namespace workitem::pg
