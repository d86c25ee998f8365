// LAN addresses from getifaddrs, ordered for the LAN share's URL.
#include "network_interfaces.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>

namespace mk::platform {
namespace {

bool IsWireless(const std::string& name) {
  struct stat st {};
  if (::stat(("/sys/class/net/" + name + "/wireless").c_str(), &st) == 0) return true;
  return name.rfind("wl", 0) == 0;
}

int Rank(const LanAddress& a) {
  uint32_t ip = 0;
  inet_pton(AF_INET, a.address.c_str(), &ip);
  ip = ntohl(ip);
  const bool link_local = (ip >> 16) == 0xA9FE;
  const bool priv = (ip >> 24) == 10 || (ip >> 20) == 0xAC1 || (ip >> 16) == 0xC0A8;
  int rank = 0;
  if (link_local) rank += 100;
  if (!priv) rank += 10;
  if (!a.wireless) rank += 1;
  return rank;
}

}  // namespace

std::vector<LanAddress> LanAddresses() {
  std::vector<LanAddress> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char buf[INET_ADDRSTRLEN] = {};
    const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf) == nullptr) continue;
    out.push_back({i->ifa_name ? i->ifa_name : "", buf, IsWireless(i->ifa_name ? i->ifa_name : "")});
  }
  ::freeifaddrs(list);
  std::stable_sort(out.begin(), out.end(), [](const LanAddress& a, const LanAddress& b) { return Rank(a) < Rank(b); });
  return out;
}

}  // namespace mk::platform
