// Rendered Port Authority pages, kept: a port's page never changes while the server runs (the
// database and the IANA registry are read once), so each is rendered once and then copied out.
// Lock-free: one atomic pointer per port, set at most once; pages are kept until the cache holds
// `budget` bytes, after which new ones are rendered each time (bounded memory: 64 MiB by default,
// about 10,000 pages; every one of the 65,536 would take ~250 MiB).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace portauth::web {

class PortPageCache {
 public:
  explicit PortPageCache(size_t budget = 64u << 20);
  ~PortPageCache();
  PortPageCache(const PortPageCache&) = delete;
  PortPageCache& operator=(const PortPageCache&) = delete;

  // The page of `port`, from the cache or from `render` (kept if the budget allows).
  std::string get(uint16_t port, const std::function<std::string()>& render);
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  const size_t budget_;
  std::atomic<size_t> bytes_{0};
  std::unique_ptr<std::atomic<const std::string*>[]> pages_;
};

}  // namespace portauth::web
