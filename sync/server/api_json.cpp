// JSON documents of the API and the strict parser of request bodies.
#include "api_json.h"

#include <algorithm>

#include "sync/common/text_encoding.h"
#include "secret.h"
#include "sync/common/utf8.h"
#include "sync/common/uuid.h"

namespace mk::server {
namespace {

// Deeper bodies are refused before parsing: no request of the API nests, and a bound keeps
// hostile bodies from costing stack or time.
constexpr int kMaxNesting = 4;

int NestingDepth(std::string_view body) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char ch : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    else if (ch == '{' || ch == '[') max_depth = std::max(max_depth, ++depth);
    else if (ch == '}' || ch == ']') --depth;
  }
  return max_depth;
}

std::string TypeName(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

std::string AllowedList(const std::map<std::string, FieldRule>& rules) {
  std::string out;
  for (const auto& [name, rule] : rules) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::string Dump(const nlohmann::json& doc) { return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string ErrorBody(std::string_view code, std::string_view message) {
  nlohmann::json doc;
  doc["error"]["code"] = std::string(code);
  doc["error"]["message"] = std::string(message);
  return Dump(doc);
}

nlohmann::json CentreJson(const store::Centre& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"region", c.region},
          {"country", c.country},
          {"time_zone", c.time_zone},
          {"organisation_model", std::string(store::ToCode(c.organisation_model))},
          {"funding", c.funding},
          {"dependence", c.dependence},
          {"contact_email", c.contact_email},
          {"contact_phone", c.contact_phone},
          {"address", c.address},
          {"min_attendance_share", c.min_attendance_share},
          {"late_after_minutes", c.late_after_minutes}};
}

Result<store::Centre> CentreFromJson(const nlohmann::json& doc) {
  if (!doc.is_object()) return InvalidArgument("the centre profile is not a JSON object");
  store::Centre c;
  auto text = [&](const char* key, std::string* out, bool required) -> Status {
    auto it = doc.find(key);
    if (it == doc.end()) return required ? InvalidArgument(std::string("the centre profile has no ") + key) : Status::Ok();
    if (!it->is_string()) return InvalidArgument(std::string("the centre's ") + key + " is not a string");
    *out = it->get<std::string>();
    return Status::Ok();
  };
  MK_RETURN_IF_ERROR(text("id", &c.id, true));
  MK_RETURN_IF_ERROR(text("name", &c.name, true));
  MK_RETURN_IF_ERROR(text("region", &c.region, false));
  MK_RETURN_IF_ERROR(text("country", &c.country, false));
  MK_RETURN_IF_ERROR(text("time_zone", &c.time_zone, false));
  std::string model;
  MK_RETURN_IF_ERROR(text("organisation_model", &model, false));
  if (!model.empty()) {
    auto parsed = store::ParseOrganisationModel(model);
    if (!parsed) return InvalidArgument("the centre's organisation model '" + model + "' is unknown");
    c.organisation_model = *parsed;
  }
  MK_RETURN_IF_ERROR(text("funding", &c.funding, false));
  MK_RETURN_IF_ERROR(text("dependence", &c.dependence, false));
  MK_RETURN_IF_ERROR(text("contact_email", &c.contact_email, false));
  MK_RETURN_IF_ERROR(text("contact_phone", &c.contact_phone, false));
  MK_RETURN_IF_ERROR(text("address", &c.address, false));
  if (auto it = doc.find("min_attendance_share"); it != doc.end() && it->is_number()) {
    c.min_attendance_share = it->get<double>();
  }
  if (auto it = doc.find("late_after_minutes"); it != doc.end() && it->is_number_integer()) {
    c.late_after_minutes = it->get<int>();
  }
  return c;
}

nlohmann::json SessionJson(const store::SessionView& v) {
  return {{"id", v.session.id},         {"course_id", v.session.course_id}, {"course_title", v.course_title},
          {"course_code", v.course_code}, {"starts_at", v.session.starts_at}, {"ends_at", v.session.ends_at},
          {"room", v.session.room}};
}

nlohmann::json DeviceJson(const DeviceRecord& d) {
  return {{"device_id", d.id}, {"name", d.name}, {"centre_id", d.centre_id}, {"created_at", d.created_at}};
}

std::optional<BodyError> ParseStringObject(std::string_view body, const std::map<std::string, FieldRule>& rules,
                                           std::map<std::string, std::string>* out) {
  if (body.empty()) return BodyError{"empty_body", "the request body is empty; send a JSON object"};
  if (!IsValidUtf8(body)) return BodyError{"invalid_utf8", "the request body is not valid UTF-8"};
  if (NestingDepth(body) > kMaxNesting) {
    return BodyError{"malformed_json", "the request body nests deeper than this API ever does"};
  }
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return BodyError{"malformed_json", "the request body is not well-formed JSON (truncated or mistyped?)"};
  }
  if (!doc.is_object()) {
    return BodyError{"wrong_type", "the request body must be a JSON object, not " + TypeName(doc)};
  }
  for (const auto& [key, value] : doc.items()) {
    auto rule = rules.find(key);
    if (rule == rules.end()) {
      return BodyError{"unknown_field", "unknown field '" + std::string(utf8::Truncate(key, 40)) +
                                            "' in the request body; allowed: " + AllowedList(rules)};
    }
    if (!value.is_string()) {
      return BodyError{"wrong_type", "the field '" + key + "' must be a string, not " + TypeName(value)};
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (utf8::Length(text) > rule->second.max_chars) {
      return BodyError{"field_too_long", "the field '" + key + "' is longer than " +
                                             std::to_string(rule->second.max_chars) + " characters"};
    }
    (*out)[key] = text;
  }
  for (const auto& [name, rule] : rules) {
    if (rule.required && !out->count(name)) {
      return BodyError{"missing_field", "the request body has no '" + name + "' field"};
    }
  }
  return std::nullopt;
}

std::variant<EnrolmentRequestBody, BodyError> ParseEnrolmentRequest(std::string_view body) {
  std::map<std::string, std::string> fields;
  const std::map<std::string, FieldRule> rules = {
      {"code", {true, 64}}, {"device_name", {false, 100}}, {"device_id", {false, 36}}};
  if (auto problem = ParseStringObject(body, rules, &fields)) return *problem;
  EnrolmentRequestBody request;
  request.code = NormalizeEnrolmentCode(fields["code"]);
  if (request.code.empty()) {
    return BodyError{"invalid_code_format", "an enrolment code is " + std::to_string(kEnrolmentCodeLetters) +
                                                " letters and digits such as K7QX2-MHT9C (no 0, O, 1, I or l); "
                                                "check what you typed"};
  }
  request.device_name = fields.count("device_name") ? fields["device_name"] : "";
  if (std::string problem = utf8::ProblemWithText(request.device_name, 100); !problem.empty()) {
    return BodyError{"invalid_device_name", "the device name " + problem};
  }
  // The device's own id, proposed so that its changes carry the same origin everywhere.
  request.proposed_id = fields.count("device_id") ? fields["device_id"] : "";
  const bool lower = std::none_of(request.proposed_id.begin(), request.proposed_id.end(),
                                  [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  if (!request.proposed_id.empty() && (!IsUuid(request.proposed_id) || !lower)) {
    return BodyError{"invalid_device_id",
                     "'device_id' must be a UUID in lower-case canonical form, such as "
                     "0190f5c2-7a3b-7cde-8f01-23456789abcd"};
  }
  return request;
}

}  // namespace mk::server
