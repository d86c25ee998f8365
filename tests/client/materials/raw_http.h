// A raw HTTP/1.1 client for the LAN share tests: sends the request line exactly as given (no encoding, no normalising).
#pragma once

#include <map>
#include <string>

namespace mk::test {

struct RawResponse {
  int status = 0;  // 0: no connection or no answer
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Connects to 127.0.0.1:port, sends "METHOD TARGET HTTP/1.1" with Host, Connection: close and
// `extra_headers` (each "Name: value\r\n"), reads the whole answer (bounded by a 10 s timeout).
RawResponse RawRequest(int port, const std::string& method, const std::string& target,
                       const std::string& extra_headers = "");
// True when nothing listens on 127.0.0.1:port any more.
bool ConnectionRefused(int port);

}  // namespace mk::test
