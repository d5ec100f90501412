// Prints every message of a JetStream stream, in stream order, as one line each (the body: an
// event envelope), for the relay's NATS test (nats_test.sh). Exits 1 when a message's
// Nats-Msg-Id is not the id of the event it carries, or on any NATS error.
//   relay_nats_dump <url> <stream>
#include <nats/nats.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: relay_nats_dump <url> <stream>\n");
        return 2;
    }
    natsConnection* connection = nullptr;
    jsCtx* jetstream = nullptr;
    jsStreamInfo* info = nullptr;
    jsErrCode code{};
    natsStatus status = natsConnection_ConnectTo(&connection, argv[1]);
    if (status == NATS_OK) status = natsConnection_JetStream(&jetstream, connection, nullptr);
    if (status == NATS_OK) status = js_GetStreamInfo(&info, jetstream, argv[2], nullptr, &code);
    int result = 0;
    if (status == NATS_OK) {
        for (uint64_t seq = info->State.FirstSeq; seq <= info->State.LastSeq && seq > 0; ++seq) {
            natsMsg* message = nullptr;
            status = js_GetMsg(&message, jetstream, argv[2], seq, nullptr, &code);
            if (status != NATS_OK) break;
            const std::string body(natsMsg_GetData(message),
                                   static_cast<std::size_t>(natsMsg_GetDataLength(message)));
            const char* id = nullptr;
            if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) != NATS_OK || id == nullptr ||
                body.find("\"id\": \"" + std::string(id) + "\"") == std::string::npos) {
                std::fprintf(stderr, "message %llu: Nats-Msg-Id is not its event's id\n",
                             static_cast<unsigned long long>(seq));
                result = 1;
            }
            std::printf("%s\n", body.c_str());
            natsMsg_Destroy(message);
        }
    }
    if (status != NATS_OK) {
        std::fprintf(stderr, "NATS: %s (JetStream error %d)\n", natsStatus_GetText(status),
                     static_cast<int>(code));
        result = 1;
    }
    if (info != nullptr) jsStreamInfo_Destroy(info);
    jsCtx_Destroy(jetstream);
    natsConnection_Destroy(connection);
    return result;
}
