// Reading the enrolment files of a data directory.
#include "sync_config.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mk::sync {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNotEnrolled = "this device is not enrolled; run 'mintkiosk enroll'";

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("cannot read " + path);
  return text.str();
}

std::string JoinPath(const std::string& dir, const char* name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

std::string SyncConfig::database_path() const { return JoinPath(data_dir, kDatabaseFile); }
std::string SyncConfig::files_dir() const { return JoinPath(data_dir, "files"); }

bool IsEnrolled(const std::string& data_dir) {
  std::error_code ec;
  return fs::is_regular_file(JoinPath(data_dir, kServerJsonFile), ec);
}

Result<SyncConfig> LoadSyncConfig(const std::string& data_dir) {
  const std::string config_path = JoinPath(data_dir, kServerJsonFile);
  const std::string token_path = JoinPath(data_dir, kTokenFile);
  std::error_code ec;
  if (!fs::is_regular_file(config_path, ec) || !fs::is_regular_file(token_path, ec)) {
    return FailedPrecondition(kNotEnrolled);
  }
  SyncConfig config;
  config.data_dir = data_dir;
  MK_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(config_path));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return Corrupt(config_path + " is not a JSON object; enrol the device again");
  auto field = [&](const char* key, std::string* out) -> Status {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return Corrupt(config_path + ": \"" + key + "\" must be text");
    *out = it->get<std::string>();
    return Status::Ok();
  };
  MK_RETURN_IF_ERROR(field("url", &config.server_url));
  MK_RETURN_IF_ERROR(field("device_id", &config.device_id));
  MK_RETURN_IF_ERROR(field("ca_file", &config.ca_file));
  if (config.server_url.empty()) return Corrupt(config_path + " names no server (\"url\"); enrol the device again");
  if (config.device_id.empty()) return Corrupt(config_path + " names no device id; enrol the device again");

  MK_ASSIGN_OR_RETURN(std::string token, ReadSmallFile(token_path));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return Corrupt(token_path + " is empty; enrol the device again");
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    return Corrupt(token_path + " holds more than one token; enrol the device again");
  }
  config.token = std::move(token);
  return config;
}

std::string BundleKeyHex(const std::string& token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

std::string HostOfServerUrl(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string::npos) end = url.size();
  std::string authority = url.substr(start, end - start);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8470
    const size_t close = authority.find(']');
    return close == std::string::npos ? authority : authority.substr(0, close + 1);
  }
  if (const size_t colon = authority.find(':'); colon != std::string::npos) authority.resize(colon);
  return authority;
}

}  // namespace mk::sync
