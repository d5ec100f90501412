// The calls of the mix through libworkitem: one workitem::Client per load client, with a pool of
// one connection (through pgbouncer in transaction pooling, or straight to PostgreSQL). The SDK's
// own retries of transient failures stay on, as an application has them (docs/sdk.md).
#pragma once

#include "transport.hpp"

#include <workitem/workitem.hpp>

#include <string>

namespace load {

class SdkTransport final : public Transport {
  public:
    explicit SdkTransport(workitem::ClientOptions options);
    Answer send(const Call& call) override;

  private:
    Answer perform(const Call& call);
    workitem::Client client_;
};

}  // namespace load
