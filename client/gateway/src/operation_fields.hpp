// The body fields of each operation (the contract's *Request schemas), read into the SDK's
// options: shared by the single form (POST /api/v1/workitems/{id}/<op>), the batch form
// (POST /api/v1/workitems:batch) and the creates. The actor, If-Match and Idempotency-Key are
// set by the caller of these; the database validates the values (WI422 names the field).
#pragma once

#include "auth.hpp"
#include "request_body.hpp"

#include <workitem/commands.hpp>
#include <workitem/types.hpp>

#include <nlohmann/json.hpp>

namespace workitem::gateway {

void read_fields(RequestBody& body, workitem::ActOptions& options);
void read_fields(RequestBody& body, workitem::ClaimOptions& options);
// ClaimNextRequest and the claim half of AcknowledgeAndClaimNextRequest: queue, task_name,
// lease_seconds (max_items is each route's own: acknowledge may ask for none).
void read_fields(RequestBody& body, workitem::ClaimNextOptions& options);
void read_fields(RequestBody& body, workitem::AllocateOptions& options);
void read_fields(RequestBody& body, workitem::DelegateOptions& options);
void read_fields(RequestBody& body, workitem::ForwardOptions& options);
void read_fields(RequestBody& body, workitem::SuspendOptions& options);
void read_fields(RequestBody& body, workitem::CompleteOptions& options);
void read_fields(RequestBody& body, workitem::FaultOptions& options);
void read_fields(RequestBody& body, workitem::CancelOptions& options);
void read_fields(RequestBody& body, workitem::HeartbeatOptions& options);
void read_fields(RequestBody& body, workitem::SaveOutputOptions& options);
void read_fields(RequestBody& body, workitem::UpdateOptions& options);

// CreateWorkItemRequest, with the caller as the initiator (no idempotency key: the caller's).
workitem::CreateCommand create_command(RequestBody& body, const Identity& who);

// A row of a batch form (BatchResult): the status and code a problem of its SQLSTATE would get.
nlohmann::json batch_result_json(const workitem::BatchResult& result);
nlohmann::json create_many_result_json(const workitem::CreateManyResult& result);

}  // namespace workitem::gateway
