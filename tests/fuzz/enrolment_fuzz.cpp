// Fuzz target: both ends of device enrolment. Byte 0 of an input chooses the end. Bit 0 clear:
// the rest is the body of POST /v1/enroll as mintkiosk-server reads it. Bit 0 set: the rest is
// the server's answer as `mintkiosk enroll` reads it (the profile then goes into the store).
#include "client/app/enroll_command.h"
#include "fuzz_target.h"
#include "sync/common/text_encoding.h"
#include "sync/common/uuid.h"
#include "sync/server/api_json.h"
#include "sync/server/secret.h"

using namespace mk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::AsText(data + 1, size - 1);
  if (data[0] & 1) {
    auto answer = client::ParseEnrolmentAnswer(rest, "https://server.example");
    if (answer.ok()) {
      MK_FUZZ_CHECK(IsUuid(answer->device_id));
      MK_FUZZ_CHECK(!answer->token.empty() && answer->token.find('\n') == std::string::npos);
      MK_FUZZ_CHECK(!answer->centre.id.empty() && !answer->centre.name.empty());
    } else {
      MK_FUZZ_CHECK(!answer.status().message().empty());
    }
    return 0;
  }
  auto parsed = server::ParseEnrolmentRequest(rest);
  if (const auto* request = std::get_if<server::EnrolmentRequestBody>(&parsed)) {
    // What the server goes on with is always well-formed.
    MK_FUZZ_CHECK(request->code.size() == server::kEnrolmentCodeLetters);
    MK_FUZZ_CHECK(IsValidUtf8(request->device_name));
    MK_FUZZ_CHECK(request->proposed_id.empty() || IsUuid(request->proposed_id));
  } else {
    const auto& problem = std::get<server::BodyError>(parsed);
    MK_FUZZ_CHECK(!problem.code.empty() && !problem.message.empty());
  }
  return 0;
}
