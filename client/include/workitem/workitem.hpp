// libworkitem: the C++ client of the workitem PostgreSQL extension.
#pragma once

#include <workitem/admin.hpp>
#include <workitem/client.hpp>
#include <workitem/commands.hpp>
#include <workitem/errors.hpp>
#include <workitem/event_consumer.hpp>
#include <workitem/events.hpp>
#include <workitem/export.hpp>
#include <workitem/item_json.hpp>
#include <workitem/operations.hpp>
#include <workitem/options.hpp>
#include <workitem/types.hpp>
#include <workitem/worker.hpp>
