// WORKITEM_API marks what libworkitem exports. The library is built with -fvisibility=hidden
// (client/CMakeLists.txt), so only the classes and functions marked here are part of its ABI;
// the detail:: namespace and every helper stay inside the library. Exceptions must be marked:
// an application catches them by their type information, which must be the library's.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define WORKITEM_API __attribute__((visibility("default")))
#else
#define WORKITEM_API
#endif
