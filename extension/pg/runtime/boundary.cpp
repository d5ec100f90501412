#include <cstring>

#include "runtime/boundary.hpp"

namespace workitem::pg {

namespace {
// Exception messages are copied here from inside a catch handler, where nothing may longjmp.
char exception_message[1024];
RaiseObserver raise_observer = nullptr;
}  // namespace

void observe_raised_failures(RaiseObserver observer) {
    raise_observer = observer;
}

int sqlstate_of(core::ErrorCode code) {
    const auto state = core::sqlstate(code);
    return MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4]);
}

char* copy_to_palloc(std::string_view text) {
    if (text.size() >= MaxAllocSize) throw std::bad_alloc();
    auto* copy = static_cast<char*>(palloc_extended(text.size() + 1, MCXT_ALLOC_NO_OOM));
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

Failure failure_from(const core::Error& error) {
    Failure failure;
    failure.sqlerrcode = sqlstate_of(error.code);
    failure.message = copy_to_palloc(error.message);
    if (!error.detail.empty()) failure.detail = copy_to_palloc(error.detail);
    if (!error.hint.empty()) failure.hint = copy_to_palloc(error.hint);
    return failure;
}

Failure failure_from_exception(const std::exception* exception) noexcept {
    Failure failure;
    if (exception != nullptr && dynamic_cast<const std::bad_alloc*>(exception) != nullptr) {
        failure.sqlerrcode = ERRCODE_OUT_OF_MEMORY;
        failure.message = "out of memory in workitem";
        return failure;
    }
    const char* what = exception != nullptr ? exception->what() : "unknown C++ exception";
    std::strncpy(exception_message, what, sizeof exception_message - 1);
    exception_message[sizeof exception_message - 1] = '\0';
    failure.sqlerrcode = ERRCODE_INTERNAL_ERROR;
    failure.message = exception_message;
    failure.hint = "This is a bug in workitem; please report it with the statement that caused it.";
    return failure;
}

void raise(const Failure& failure) {
    if (raise_observer != nullptr) raise_observer(failure);
    ereport(ERROR, (errcode(failure.sqlerrcode), errmsg_internal("%s", failure.message),
                    failure.detail ? errdetail_internal("%s", failure.detail) : 0,
                    failure.hint ? errhint("%s", failure.hint) : 0));
    pg_unreachable();
}

void raise(core::ErrorCode code, const char* message, const char* detail, const char* hint) {
    raise(Failure{sqlstate_of(code), message, detail, hint});
}

ErrorData* catch_pg_error(void (*body)(void*), void* context) {
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData* volatile error = nullptr;  // set after the longjmp: volatile, so it survives it
    PG_TRY();
    { body(context); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller_context);
        error = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return error;
}

}  // namespace workitem::pg
