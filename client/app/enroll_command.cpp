// Enrolment on the device: POST /v1/enroll, then the server settings, the token and the centre stored locally.
#include "enroll_command.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "platform/file_io.h"
#include "platform/paths.h"
#include "sync/common/clock.h"
#include "sync/common/uuid.h"
#include "sync/store/store.h"
#include "sync/transport/http_client.h"

namespace mk::client {
namespace {

namespace fs = std::filesystem;

int Fail(std::ostream& err, const Status& s) {
  err << "mintkiosk: " << s.message() << "\n";
  return 1;
}

int Usage(std::ostream& err, const std::string& message) {
  err << "mintkiosk: " << message << "\nTry 'mintkiosk enroll --help'.\n";
  return 2;
}

// Writes `bytes` to `path` durably (platform::WriteFileDurably): a crash leaves the old file or
// the new one. `owner_only`: the file is 0600 from its creation, before the secret is in it.
Status WriteFileAtomically(const std::string& path, const std::string& bytes, bool owner_only) {
  return platform::WriteFileDurably(path, bytes, owner_only ? platform::FileAccess::kOwnerOnly : platform::FileAccess::kShared);
}

// Makes the server's centre this device's centre: inserted with the server's id if missing.
Status AdoptCentre(store::Store& s, const store::Centre& centre) {
  auto existing = s.GetCentre(centre.id);
  if (!existing.ok()) {
    if (existing.status().code() != ErrorCode::kNotFound) return existing.status();
    // The row is the server's, not a change of this device: not queued, so enrolling a device
    // does not send the centre back with this device's clock and times. The first pull brings
    // the server's row with its clocks, which then replaces this copy.
    store::ChangeCapture::Suppress quiet(s.capture());
    MK_RETURN_IF_ERROR(s.Write([&](store::WriteContext& ctx) -> Status {
      return store::InsertCentre(ctx, centre).status();
    }));
  }
  return s.SetHomeCentre(centre.id);
}

Result<store::Centre> CentreFromServer(const nlohmann::json& doc) {
  if (!doc.is_object()) return InvalidArgument("the server sent no centre profile");
  store::Centre c;
  auto text = [&](const char* key, std::string* out) {
    if (auto it = doc.find(key); it != doc.end() && it->is_string()) *out = it->get<std::string>();
  };
  text("id", &c.id);
  text("name", &c.name);
  text("region", &c.region);
  text("country", &c.country);
  text("time_zone", &c.time_zone);
  text("funding", &c.funding);
  text("dependence", &c.dependence);
  text("contact_email", &c.contact_email);
  text("contact_phone", &c.contact_phone);
  text("address", &c.address);
  std::string model;
  text("organisation_model", &model);
  if (auto parsed = store::ParseOrganisationModel(model)) c.organisation_model = *parsed;
  if (auto it = doc.find("min_attendance_share"); it != doc.end() && it->is_number()) {
    c.min_attendance_share = it->get<double>();
  }
  if (auto it = doc.find("late_after_minutes"); it != doc.end() && it->is_number_integer()) {
    c.late_after_minutes = it->get<int>();
  }
  if (c.id.empty() || c.name.empty()) return InvalidArgument("the server's centre profile has no id or name");
  return c;
}

}  // namespace

Result<EnrolmentAnswer> ParseEnrolmentAnswer(std::string_view body, std::string_view server_url) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  const auto is_string = [&](const char* key) { return doc.contains(key) && doc[key].is_string(); };
  if (!doc.is_object() || !is_string("device_id") || !is_string("token") || !doc.contains("centre")) {
    return InvalidArgument("the server's answer to the enrolment is not what mintkiosk expects; is " +
                           std::string(server_url) + " a mintkiosk server of a compatible version?");
  }
  EnrolmentAnswer answer;
  answer.device_id = doc["device_id"].get<std::string>();
  answer.token = doc["token"].get<std::string>();
  if (!IsUuid(answer.device_id)) {
    return InvalidArgument("the server's answer to the enrolment names no valid device id");
  }
  const bool printable = std::all_of(answer.token.begin(), answer.token.end(), [](char ch) { return ch > ' ' && ch < 127; });
  if (answer.token.empty() || answer.token.size() > 200 || !printable) {
    return InvalidArgument("the server's answer to the enrolment holds no usable device token");
  }
  MK_ASSIGN_OR_RETURN(answer.centre, CentreFromServer(doc["centre"]));
  return answer;
}

Result<EnrolmentResult> EnrolDevice(const std::string& data_dir, const EnrolmentRequest& request) {
  if (request.server_url.rfind("http://", 0) != 0 && request.server_url.rfind("https://", 0) != 0) {
    return InvalidArgument("the server address must start with https:// (or http:// on a trusted network)");
  }
  if (request.code.empty()) return InvalidArgument("the enrolment code is empty");
  std::string ca_file;
  if (!request.ca_file.empty()) {
    std::error_code ec;
    ca_file = fs::absolute(request.ca_file, ec).string();
    if (ec || !fs::is_regular_file(ca_file)) return NotFound("the CA file " + request.ca_file + " does not exist");
  }
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(data_dir));
  MK_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> local,
                      store::Store::Open(platform::JoinPath(data_dir, "mintkiosk.db"), SystemClock::Instance()));

  sync::HttpClientOptions options;
  options.base_url = request.server_url;
  options.ca_file = ca_file;
  options.cancel = request.cancel;
  sync::HttpClient http(options);
  // The store's own id: the server adopts it, so this device's changes carry one origin everywhere.
  nlohmann::json body = {{"code", request.code}, {"device_id", local->device_id()}};
  if (!request.device_name.empty()) body["device_name"] = request.device_name;
  sync::HttpRequest post;
  post.method = "POST";
  post.path = "/v1/enroll";
  post.content_type = "application/json";
  post.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto response = http.SendExpectOk(post);
  if (!response.ok()) return response.status().WithContext("enrolment refused");

  MK_ASSIGN_OR_RETURN(EnrolmentAnswer answer, ParseEnrolmentAnswer(response->body, request.server_url));
  EnrolmentResult result;
  result.device_id = answer.device_id;
  result.centre = answer.centre;
  const std::string& token = answer.token;
  MK_RETURN_IF_ERROR(AdoptCentre(*local, result.centre).WithContext("storing the centre"));

  nlohmann::json config = {{"url", request.server_url}, {"device_id", result.device_id}, {"ca_file", ca_file}};
  MK_RETURN_IF_ERROR(WriteFileAtomically(platform::JoinPath(data_dir, kDeviceTokenFile), token + "\n", true));
  MK_RETURN_IF_ERROR(WriteFileAtomically(platform::JoinPath(data_dir, kServerConfigFile), config.dump(2) + "\n", false));
  return result;
}

int RunEnrollCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'enroll' takes options only");
  EnrolmentRequest request;
  request.server_url = args.Get("server").value_or("");
  request.code = args.Get("code").value_or("");
  request.ca_file = args.Get("ca-file").value_or("");
  request.device_name = args.Get("name").value_or("");
  if (request.server_url.empty()) return Usage(err, "--server URL is required (ask the centre's administrator)");
  if (request.code.empty()) return Usage(err, "--code CODE is required (from 'mintkiosk-server enroll')");
  if (request.server_url.rfind("http://", 0) != 0 && request.server_url.rfind("https://", 0) != 0) {
    return Usage(err, "--server must start with https:// (or http:// on a trusted network)");
  }
  auto result = EnrolDevice(data_dir, request);
  if (!result.ok()) return Fail(err, result.status());
  out << "Enrolled this device as " << result->device_id << " with centre " << result->centre.name << " ("
      << result->centre.id << ") at " << request.server_url << "\n";
  return 0;
}

}  // namespace mk::client
