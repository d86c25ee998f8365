// The JSON of the HTTP API: error bodies, centre/session/device documents, strict request bodies.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "server_storage.h"
#include "sync/common/status.h"

namespace mk::server {

// {"error":{"code":CODE,"message":MESSAGE}}. `code` is stable (clients branch on it); `message`
// is for a person. Invalid UTF-8 in either is replaced, never thrown on.
std::string ErrorBody(std::string_view code, std::string_view message);

// Serialises without ever throwing (invalid UTF-8 becomes U+FFFD).
std::string Dump(const nlohmann::json& doc);

nlohmann::json CentreJson(const store::Centre& centre);
nlohmann::json SessionJson(const store::SessionView& view);
nlohmann::json DeviceJson(const DeviceRecord& device);

// Reads a centre from CentreJson's shape (what a device stores after enrolment).
Result<store::Centre> CentreFromJson(const nlohmann::json& doc);

// A request body that failed the checks, with the stable code and message to answer with.
struct BodyError {
  std::string code;
  std::string message;
};

// What one field of a request body must be.
struct FieldRule {
  bool required = false;
  size_t max_chars = 200;  // in code points; strings only
};

// Parses a JSON object body strictly: valid UTF-8, well-formed, nesting at most a few levels,
// an object whose members are all in `rules`, each a string no longer than allowed. Fills
// `out` with the string members. Returns the problem, or nullopt when the body is acceptable.
std::optional<BodyError> ParseStringObject(std::string_view body, const std::map<std::string, FieldRule>& rules,
                                           std::map<std::string, std::string>* out);

// The body of POST /v1/enroll, checked: the code normalised (NormalizeEnrolmentCode), the
// optional device name plain text of at most 100 characters, the optional proposed device id a
// lower-case canonical UUID.
struct EnrolmentRequestBody {
  std::string code;
  std::string device_name;
  std::string proposed_id;
};
// The request, or the problem to answer with (code and message for a 400).
std::variant<EnrolmentRequestBody, BodyError> ParseEnrolmentRequest(std::string_view body);

}  // namespace mk::server
