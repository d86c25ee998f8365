// The device's addresses on the local network, for the URL teachers' phones open (LAN share).
#pragma once

#include <string>
#include <vector>

namespace mk::platform {

struct LanAddress {
  std::string interface_name;  // "wlan0", "eth0"
  std::string address;         // IPv4 dotted quad
  bool wireless = false;       // the interface is Wi-Fi (what teachers' phones share)
};

// The IPv4 addresses of interfaces that are up, not loopback, best first: Wi-Fi before wired,
// private ranges (10/8, 172.16/12, 192.168/16) before others; link-local 169.254/16 last.
// Empty when the device has no network.
std::vector<LanAddress> LanAddresses();

}  // namespace mk::platform
