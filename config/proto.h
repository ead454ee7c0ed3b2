// The transport protocol of a probed port: the one place a scan says TCP or UDP. A port is
// (proto, number) everywhere a result travels: the probe space's port axis, results, outputs,
// resume files and shard merges. TCP is the zero value, so everything written before UDP
// existed reads as TCP.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace portauth::config {

enum class Proto : uint8_t { kTcp = 0, kUdp = 1 };

constexpr std::string_view proto_name(Proto p) { return p == Proto::kUdp ? "udp" : "tcp"; }

constexpr std::optional<Proto> proto_from_name(std::string_view name) {
  if (name == "tcp") return Proto::kTcp;
  if (name == "udp") return Proto::kUdp;
  return std::nullopt;
}

}  // namespace portauth::config
