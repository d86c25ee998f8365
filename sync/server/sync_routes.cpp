// The sync endpoints: push batches in, pull pages out, every refusal a 4xx that names the change.
#include "sync_routes.h"

#include <httplib.h>

#include <charconv>
#include <set>
#include <nlohmann/json.hpp>

#include "api_json.h"
#include "sync/protocol/wire.h"

namespace mk::server {
namespace {

using httplib::Request;
using httplib::Response;

void SendError(Response& res, int status, std::string_view code, std::string_view message,
               std::optional<int64_t> expected_seq = std::nullopt) {
  nlohmann::json doc;
  doc["error"]["code"] = std::string(code);
  doc["error"]["message"] = std::string(message);
  if (expected_seq) doc["error"]["expected_seq"] = *expected_seq;
  res.status = status;
  res.set_content(Dump(doc), "application/json");
}

// The media type without parameters, lower case.
std::string MediaType(const std::string& header) {
  std::string out;
  for (char ch : header) {
    if (ch == ';' || ch == ' ') break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

std::optional<int64_t> ParseCount(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

}  // namespace

SyncRoutes::SyncRoutes(ServerStorage& storage, Clock& clock, size_t max_push_bytes)
    : storage_(storage), clock_(clock), max_push_bytes_(max_push_bytes) {}

void SyncRoutes::Register(httplib::Server& http, AuthenticateFn authenticate, LogFn log,
                          ConvertedFn converted_from_get) {
  authenticate_ = std::move(authenticate);
  log_ = std::move(log);
  converted_from_get_ = std::move(converted_from_get);
  http.Post("/v1/sync/push", [this](const Request& q, Response& r) { Push(q, r); });
  http.Get("/v1/sync/pull", [this](const Request& q, Response& r) { Pull(q, r); });
}

void SyncRoutes::Push(const Request& req, Response& res) {
  if (converted_from_get_ && converted_from_get_()) {
    return SendError(res, 405, "method_not_allowed", "a push is a POST request");
  }
  auto device = authenticate_(req, res, false);
  if (!device) return;
  if (MediaType(req.get_header_value("Content-Type")) != sync::kSyncContentType) {
    return SendError(res, 415, "unsupported_media_type",
                     std::string("send the batch as Content-Type: ") + sync::kSyncContentType);
  }
  if (req.body.size() > max_push_bytes_) {
    return SendError(res, 413, "body_too_large",
                     "the batch is " + std::to_string(req.body.size()) + " bytes; this server takes at most " +
                         std::to_string(max_push_bytes_) + " bytes per push: send fewer changes per batch");
  }
  // Decoded while it is merged: the changes are decoded on another thread, and the merge takes
  // each one as soon as it is there (a batch that turns out unreadable applies nothing).
  auto batch = sync::PushBatchStream::Open(req.body);
  if (!batch.ok()) {
    return SendError(res, 400, "malformed_batch", "the batch cannot be read: " + batch.status().message());
  }
  auto pushed = storage_.ApplyPushStream(*device, **batch, clock_.NowMs());
  if (!pushed.ok()) return Failure(res, pushed.status());
  switch (pushed->refusal) {
    case PushRefusal::kNone:
      break;
    case PushRefusal::kMalformed:
      return SendError(res, 400, "malformed_batch", "the batch cannot be read: " + pushed->message);
    case PushRefusal::kSequenceGap:
      return SendError(res, 409, "sequence_gap", pushed->message, pushed->expected_seq);
    case PushRefusal::kInvalidChange:
      return SendError(res, 422, "invalid_change", "nothing of the batch was applied: " + pushed->message);
    case PushRefusal::kForeignCentre:
      return SendError(res, 403, "foreign_centre", "nothing of the batch was applied: " + pushed->message);
  }
  res.status = 200;
  // The decoded batch (thousands of changes) is given back after the answer has gone out.
  std::shared_ptr<sync::PushBatchStream> spent(std::move(*batch));
  auto answer = std::make_shared<const std::string>(sync::EncodePushAck(pushed->ack));
  res.set_content_provider(
      answer->size(), "application/json",
      [answer](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(answer->data() + offset, length);
      },
      [spent](bool) {});
}

void SyncRoutes::Pull(const Request& req, Response& res) {
  auto device = authenticate_(req, res, true);
  if (!device) return;
  int64_t after = 0;
  int64_t limit = static_cast<int64_t>(kDefaultPullLimit);
  std::set<std::string> seen;
  for (const auto& [name, value] : req.params) {
    if (name != "after" && name != "limit") {
      return SendError(res, 400, "unknown_parameter", "unknown query parameter; allowed: after, limit");
    }
    if (!seen.insert(name).second) return SendError(res, 400, "invalid_parameter", "'" + name + "' is given twice");
    std::optional<int64_t> n = ParseCount(value);
    if (name == "after") {
      if (!n) {
        return SendError(res, 400, "invalid_parameter",
                         "'after' must be the cursor of the last page (a whole number, 0 for the start)");
      }
      after = *n;
    } else {
      if (!n || *n < 1 || *n > static_cast<int64_t>(kMaxPullLimit)) {
        return SendError(res, 400, "invalid_parameter",
                         "'limit' must be a number of changes from 1 to " + std::to_string(kMaxPullLimit));
      }
      limit = *n;
    }
  }
  const int64_t now = clock_.NowMs();
  auto page = storage_.ReadLog(device->centre_id, after, static_cast<size_t>(limit), device->id, now);
  if (!page.ok()) return Failure(res, page.status());
  if (Status noted = storage_.NotePull(device->id, now); !noted.ok()) {
    // Only bookkeeping failed; the page itself can still be sent.
    log_("warning: recording the pull of device " + device->id + ": " + noted.message());
  }
  res.status = 200;
  res.set_content(page->bytes, sync::kSyncContentType);
}

void SyncRoutes::Failure(Response& res, const Status& status) {
  log_("error: storage: " + status.message());
  if (status.code() == ErrorCode::kBusy) {
    res.set_header("Retry-After", "1");
    return SendError(res, 503, "unavailable", "the server's storage is busy; try again shortly");
  }
  SendError(res, 500, "internal",
            "the server failed to read or write its storage; the administrator finds the reason in the server's log");
}

}  // namespace mk::server
