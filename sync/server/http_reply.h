// Answers of the HTTP layer: a JSON document or a JSON error with its stable code.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string_view>

#include "api_json.h"

namespace mk::server {

inline void SendError(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  res.status = status;
  res.set_content(ErrorBody(code, message), "application/json");
}

inline void SendJson(httplib::Response& res, int status, const nlohmann::json& doc) {
  res.status = status;
  res.set_content(Dump(doc), "application/json");
}

}  // namespace mk::server
