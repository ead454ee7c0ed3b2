#include "scanner/netlink_route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "common/setup_error.h"

namespace portauth::scanner {
namespace {

using config::Address;

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// An address attribute (4 or 16 bytes) as an Address.
Address address_of(const rtattr* a, bool v4) {
  if (v4) {
    uint32_t x;
    std::memcpy(&x, RTA_DATA(a), 4);
    return Address::v4(ntohl(x));
  }
  return Address::from_bytes(static_cast<const uint8_t*>(RTA_DATA(a)));
}

void put_address(const Address& addr, uint8_t* out) {
  if (addr.is_v4()) {
    const uint32_t x = htonl(addr.v4());
    std::memcpy(out, &x, 4);
  } else {
    addr.to_bytes(out);
  }
}

// Sends `req` and hands every answer message to `each` until the kernel is done (a dump's
// NLMSG_DONE, or the single answer of a plain request). Returns the kernel's error (0: none).
int transact(nlmsghdr* req, const std::function<void(const nlmsghdr*)>& each) {
  Fd s{socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
  if (s.fd < 0) throw common::SetupError(std::string("netlink socket: ") + std::strerror(errno));
  if (send(s.fd, req, req->nlmsg_len, 0) < 0)
    throw common::SetupError(std::string("netlink request: ") + std::strerror(errno));
  const bool dump = req->nlmsg_flags & NLM_F_DUMP;
  alignas(nlmsghdr) static thread_local char buf[32768];
  for (;;) {
    const ssize_t got = recv(s.fd, buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw common::SetupError(std::string("netlink answer: ") + std::strerror(errno));
    }
    unsigned len = unsigned(got);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
      if (nh->nlmsg_type == NLMSG_DONE) return 0;
      if (nh->nlmsg_type == NLMSG_ERROR) return -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(nh))->error;
      each(nh);
      if (!dump) return 0;
    }
  }
}

// Appends an attribute to a request whose header is its first member (Req: {nlmsghdr nh; ...}).
template <class Req>
void add_attr(Req& req, unsigned short type, const void* data, size_t len) {
  nlmsghdr* nh = &req.nh;
  auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(nh->nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
  std::memcpy(RTA_DATA(rta), data, len);
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

}  // namespace

std::optional<KernelRoute> kernel_route(const Address& target, int oif_hint, std::string& why) {
  const bool v4 = target.is_v4();
  struct {
    nlmsghdr nh;
    rtmsg rt;
    char attrs[64];
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.rt.rtm_family = v4 ? AF_INET : AF_INET6;
  req.rt.rtm_dst_len = v4 ? 32 : 128;
  uint8_t dst[16];
  put_address(target, dst);
  add_attr(req, RTA_DST, dst, v4 ? 4 : 16);
  // A link-local IPv6 target is only routable on its zone's interface.
  if (oif_hint > 0) add_attr(req, RTA_OIF, &oif_hint, sizeof oif_hint);
  std::optional<KernelRoute> out;
  const int err = transact(&req.nh, [&](const nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWROUTE) return;
    const auto* rt = static_cast<const rtmsg*>(NLMSG_DATA(nh));
    KernelRoute r;
    r.type = rt->rtm_type;
    int attr_len = int(RTM_PAYLOAD(nh));
    for (auto* a = RTM_RTA(rt); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
      if (a->rta_type == RTA_GATEWAY) r.gateway = address_of(a, v4);
      else if (a->rta_type == RTA_OIF) std::memcpy(&r.oif, RTA_DATA(a), sizeof(int));
      else if (a->rta_type == RTA_MULTIPATH) r.multipath = true;
    }
    out = r;
  });
  if (err != 0) {
    why = std::strerror(err);
    return std::nullopt;
  }
  if (!out) why = "no answer from the kernel";
  return out;
}

std::vector<RoutePrefix> route_prefixes(bool v4) {
  struct {
    nlmsghdr nh;
    rtmsg rt;
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = 2;
  req.rt.rtm_family = v4 ? AF_INET : AF_INET6;
  std::vector<RoutePrefix> out;
  const int err = transact(&req.nh, [&](const nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWROUTE) return;
    const auto* rt = static_cast<const rtmsg*>(NLMSG_DATA(nh));
    Address dst = v4 ? Address::v4(0) : Address{};
    int attr_len = int(RTM_PAYLOAD(nh));
    for (auto* a = RTM_RTA(rt); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len))
      if (a->rta_type == RTA_DST) dst = address_of(a, v4);
    const unsigned bits = v4 ? 32 : 128;
    const unsigned len = std::min<unsigned>(rt->rtm_dst_len, bits);
    const unsigned host_bits = bits - len;
    const config::Uint128 span = host_bits >= 128 ? ~config::Uint128{0} : (config::Uint128{1} << host_bits) - 1;
    RoutePrefix p;
    p.first = Address{dst.value & ~span};
    p.last = Address{p.first.value | span};
    p.type = rt->rtm_type;
    out.push_back(p);
  });
  if (err != 0) throw common::SetupError(std::string("netlink route dump: ") + std::strerror(err));
  return out;
}

std::optional<std::array<uint8_t, 6>> neighbour_mac(const Address& addr, int ifindex) {
  const bool v4 = addr.is_v4();
  struct {
    nlmsghdr nh;
    ndmsg nd;
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  req.nh.nlmsg_type = RTM_GETNEIGH;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nh.nlmsg_seq = 3;
  req.nd.ndm_family = v4 ? AF_INET : AF_INET6;
  std::optional<std::array<uint8_t, 6>> out;
  constexpr unsigned kUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
  transact(&req.nh, [&](const nlmsghdr* nh) {
    if (nh->nlmsg_type != RTM_NEWNEIGH || out) return;
    const auto* nd = static_cast<const ndmsg*>(NLMSG_DATA(nh));
    if (nd->ndm_ifindex != ifindex || (nd->ndm_state & kUsable) == 0) return;
    bool match = false;
    std::optional<std::array<uint8_t, 6>> mac;
    int attr_len = int(nh->nlmsg_len - NLMSG_LENGTH(sizeof(ndmsg)));
    for (auto* a = reinterpret_cast<rtattr*>(const_cast<ndmsg*>(nd) + 1); RTA_OK(a, attr_len);
         a = RTA_NEXT(a, attr_len)) {
      if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == (v4 ? 4u : 16u)) match = address_of(a, v4) == addr;
      else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
        std::array<uint8_t, 6> m;
        std::memcpy(m.data(), RTA_DATA(a), 6);
        mac = m;
      }
    }
    if (match && mac) out = mac;
  });
  return out;
}

}  // namespace portauth::scanner
