// Bad input, as a table: each request gets a 4xx with a stable code and a clear message, and stores nothing.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server_fixture.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

struct BadRequest {
  const char* name;
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
  bool authenticated;
  long status;
  const char* code;
  const char* message;  // a part of the message
};

TEST_CASE("bad input: a table of malformed requests, each refused with nothing stored", "[server]") {
  ServerFixture f({"--max-body", "4096"});
  EnrolledDevice device = f.Enroll(f.centre_a());
  // A live code sits in most bodies: a refused request must not use it up.
  const std::string code = f.NewCode(f.centre_a());
  const std::string json = "application/json";
  const std::string q = "\"";
  const std::vector<BadRequest> table = {
      {"truncated JSON", "POST", "/v1/enroll", json, "{\"code\":\"" + code.substr(0, 4), false, 400, "malformed_json", "not well-formed JSON"},
      {"not JSON at all", "POST", "/v1/enroll", json, "code=" + code, false, 400, "malformed_json", "not well-formed JSON"},
      {"trailing garbage", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\"} {}", false, 400, "malformed_json", "not well-formed"},
      {"array instead of object", "POST", "/v1/enroll", json, "[\"" + code + "\"]", false, 400, "wrong_type", "must be a JSON object"},
      {"string instead of object", "POST", "/v1/enroll", json, q + code + q, false, 400, "wrong_type", "must be a JSON object"},
      {"code is a number", "POST", "/v1/enroll", json, "{\"code\":12345}", false, 400, "wrong_type", "'code' must be a string"},
      {"code is null", "POST", "/v1/enroll", json, "{\"code\":null}", false, 400, "wrong_type", "'code' must be a string"},
      {"code is an object", "POST", "/v1/enroll", json, "{\"code\":{\"v\":\"" + code + "\"}}", false, 400, "wrong_type", "'code' must be a string"},
      {"unknown field", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"admin\":true}", false, 400, "unknown_field", "allowed: code, device_id, device_name"},
      {"device id not a UUID", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_id\":\"kiosk-1\"}", false, 400, "invalid_device_id", "lower-case canonical"},
      {"upper-case device id", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_id\":\"0190F5C2-7A3B-7CDE-8F01-23456789ABCD\"}", false, 400, "invalid_device_id", "UUID"},
      {"device id is a number", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_id\":7}", false, 400, "wrong_type", "'device_id' must be a string"},
      {"missing code", "POST", "/v1/enroll", json, "{\"device_name\":\"Kiosk\"}", false, 400, "missing_field", "no 'code' field"},
      {"empty object", "POST", "/v1/enroll", json, "{}", false, 400, "missing_field", "no 'code' field"},
      {"empty body", "POST", "/v1/enroll", json, "", false, 400, "empty_body", "empty"},
      {"oversized code", "POST", "/v1/enroll", json, "{\"code\":\"" + std::string(200, 'A') + "\"}", false, 400, "field_too_long", "longer than 64"},
      {"oversized device name", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_name\":\"" + std::string(101, 'x') + "\"}", false, 400, "field_too_long", "longer than 100"},
      {"control character in name", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_name\":\"Kiosk\\u0007\"}", false, 400, "invalid_device_name", "device name"},
      {"bidi override in name", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_name\":\"Kiosk\\u202e1\"}", false, 400, "invalid_device_name", "device name"},
      {"invalid UTF-8", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_name\":\"\xff\xfe\"}", false, 400, "invalid_utf8", "not valid UTF-8"},
      {"overlong UTF-8", "POST", "/v1/enroll", json, "{\"code\":\"\xc0\xaf" + code + "\"}", false, 400, "invalid_utf8", "not valid UTF-8"},
      {"deep nesting", "POST", "/v1/enroll", json, std::string(2000, '[') + std::string(2000, ']'), false, 400, "malformed_json", "nests deeper"},
      {"text/plain", "POST", "/v1/enroll", "text/plain", "{\"code\":\"" + code + "\"}", false, 415, "unsupported_media_type", "application/json"},
      {"form encoded", "POST", "/v1/enroll", "application/x-www-form-urlencoded", "code=" + code, false, 415, "unsupported_media_type", "application/json"},
      {"no content type", "POST", "/v1/enroll", "", "{\"code\":\"" + code + "\"}", false, 415, "unsupported_media_type", "application/json"},
      {"json look-alike type", "POST", "/v1/enroll", "application/jsonx", "{\"code\":\"" + code + "\"}", false, 415, "unsupported_media_type", "application/json"},
      {"body over the limit", "POST", "/v1/enroll", json, "{\"code\":\"" + code + "\",\"device_name\":\"" + std::string(5000, 'x') + "\"}", false, 413, "body_too_large", "larger than"},
      {"body on a GET", "GET", "/v1/health", json, "{\"code\":\"" + code + "\"}", false, 400, "unexpected_body", "no request body"},
      {"enroll with GET", "GET", "/v1/enroll", "", "", false, 404, "not_found", "no such endpoint"},
      {"PUT enroll", "PUT", "/v1/enroll", json, "{\"code\":\"" + code + "\"}", false, 404, "not_found", "no such endpoint"},
      {"DELETE a device", "DELETE", "/v1/device", "", "", true, 404, "not_found", "no such endpoint"},
      {"unversioned path", "GET", "/health", "", "", false, 404, "not_found", "/v1/"},
      {"from is not a number", "GET", "/v1/sessions?from=yesterday", "", "", true, 400, "invalid_parameter", "milliseconds"},
      {"from after to", "GET", "/v1/sessions?from=5&to=1", "", "", true, 400, "invalid_parameter", "after"},
      {"number too large", "GET", "/v1/sessions?from=99999999999999999999999", "", "", true, 400, "invalid_parameter", "milliseconds"},
      {"unknown parameter", "GET", "/v1/sessions?limit=5", "", "", true, 400, "unknown_parameter", "allowed: from, to"},
  };
  const std::string before = f.StoredState();
  for (const BadRequest& row : table) {
    INFO(row.name);
    sync::HttpRequest request;
    request.method = row.method;
    request.path = row.path;
    request.content_type = row.content_type;
    request.body = row.body;
    auto r = f.Send(request, row.authenticated ? device.token : "");
    INFO(Describe(r));
    CHECK(r.status == row.status);
    CHECK(Contains(r.content_type, "application/json"));
    CHECK(ErrorCode(r) == row.code);
    CHECK(Contains(ErrorMessage(r), row.message));
    CHECK(f.StoredState() == before);
    CHECK(f.Get("/v1/health").status == 200);
  }
  // The code survived every refused request and still enrols one device.
  auto honest = f.PostJson("/v1/enroll", nlohmann::json{{"code", code}}.dump());
  CHECK(honest.status == 201);
  CHECK(!Contains(f.server().Log(), device.token));
}

TEST_CASE("bad input: a Range header never cuts a JSON answer of an endpoint that serves no ranges", "[server]") {
  ServerFixture f;
  EnrolledDevice device = f.Enroll(f.centre_a());
  auto with_range = [&](const std::string& method, const std::string& path, const std::string& range,
                        bool authenticated) {
    sync::HttpRequest request;
    request.method = method;
    request.path = path;
    if (method == "POST") {
      request.content_type = "application/json";
      request.body = "{\"code\":\"AAAA";  // truncated JSON: refused with a JSON error
    }
    if (!range.empty()) request.headers.emplace_back("Range", range);
    return f.Send(request, authenticated ? device.token : "");
  };
  struct Case {
    const char* name;
    std::string method;
    std::string path;
    bool authenticated;
    long status;
  };
  const std::vector<Case> cases = {
      {"health", "GET", "/v1/health", false, 200},
      {"the device's own record", "GET", "/v1/device", true, 200},
      {"a refused parameter", "GET", "/v1/sessions?from=yesterday", true, 400},
      {"no such endpoint", "GET", "/v1/nothing", true, 404},
      {"without a token", "GET", "/v1/device", false, 401},
      {"a refused body", "POST", "/v1/enroll", false, 400},
      {"a file's status", "GET", "/v1/files/" + std::string(64, 'a'), true, 404},
  };
  for (const Case& c : cases) {
    const sync::HttpResponse plain = with_range(c.method, c.path, "", c.authenticated);
    REQUIRE(plain.status == c.status);
    REQUIRE(nlohmann::json::parse(plain.body, nullptr, false).is_object());
    for (const std::string& range : {std::string("bytes=0-3"), std::string("bytes=5-"), std::string("bytes=0-1,4-5")}) {
      INFO(c.name << " with Range: " << range);
      const sync::HttpResponse r = with_range(c.method, c.path, range, c.authenticated);
      INFO(Describe(r));
      CHECK(r.status == c.status);  // never 206
      CHECK(Contains(r.content_type, "application/json"));
      CHECK(nlohmann::json::parse(r.body, nullptr, false).is_object());
      if (c.method == "GET" && c.path != "/v1/health") CHECK(r.body == plain.body);
    }
    // A Range that does not parse is refused by httplib before any route or handler sees the
    // request (416); the answer is still a whole JSON error.
    for (const std::string& range : {std::string("bytes=x-"), std::string("items=0-1")}) {
      INFO(c.name << " with Range: " << range);
      const sync::HttpResponse r = with_range(c.method, c.path, range, c.authenticated);
      INFO(Describe(r));
      CHECK((r.status == c.status || r.status == 416));
      CHECK(Contains(r.content_type, "application/json"));
      CHECK(nlohmann::json::parse(r.body, nullptr, false).is_object());
    }
  }
}

struct RawCase {
  const char* name;
  std::string bytes;
  int status;  // 0: the server may also just close the connection
};

TEST_CASE("bad input: garbage on the socket gets a 4xx or a closed connection, and the server keeps serving", "[server]") {
  ServerFixture f({"--max-body", "4096", "--timeout", "2"});
  EnrolledDevice device = f.Enroll(f.centre_b());
  const std::string code = f.NewCode(f.centre_b());
  const std::string body = "{\"code\":\"" + code + "\"}";
  const std::string smuggled = "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::vector<RawCase> cases = {
      {"binary noise", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\xff\r\n\r\n", 18), 400},
      {"TLS hello on plain HTTP", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) + "\r\n\r\n", 400},
      {"no HTTP version", "GET /v1/health\r\n\r\n", 400},
      {"unknown method", "BREW /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"URI too long", "GET /v1/" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
      {"header too long", "GET /v1/health HTTP/1.1\r\nX-Long: " + std::string(10000, 'a') + "\r\n\r\n", 0},
      {"negative length", "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n" + body, 0},
      {"length not a number", "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n" + body, 0},
      {"huge declared length", "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n" + body, 413},
      {"bad chunk size", "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n", 400},
      {"truncated body then close", "POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + body.substr(0, 10), 0},
      {"smuggled request in a GET body",
       "GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled, 400},
  };
  const std::string before = f.StoredState();
  for (const RawCase& c : cases) {
    INFO(c.name);
    {
      test::RawConnection conn(f.server().port());
      conn.Send(c.bytes);
      const std::string answer = conn.ReadResponse();
      if (c.status != 0) {
        CHECK(test::StatusOf(answer) == c.status);
      } else {
        const int status = test::StatusOf(answer);
        CHECK((status == 0 || (status >= 400 && status < 500)));
      }
      CHECK(answer.find("HTTP/1.1 5") == std::string::npos);
    }
    CHECK(f.StoredState() == before);
    CHECK(f.Get("/v1/health").status == 200);
    CHECK(f.Get("/v1/device", device.token).status == 200);
  }
}

TEST_CASE("bad input: a stalled client is dropped and does not hold up anyone else", "[server]") {
  ServerFixture f({"--timeout", "1"});
  EnrolledDevice device = f.Enroll(f.centre_a());
  test::RawConnection stalled(f.server().port());
  REQUIRE(stalled.Send("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"co"));
  // While it stalls, others are served.
  for (int i = 0; i < 5; ++i) CHECK(f.Get("/v1/device", device.token).status == 200);
  // The server gives up on it (read timeout) and closes the connection; no 5xx.
  const std::string answer = stalled.ReadUntilClosed();
  CHECK(answer.find("HTTP/1.1 5") == std::string::npos);
  CHECK(f.Get("/v1/health").status == 200);
}

}  // namespace
}  // namespace mk::server_test
