#include "web/page_cache.h"

namespace portauth::web {

PortPageCache::PortPageCache(size_t budget)
    : budget_(budget), pages_(std::make_unique<std::atomic<const std::string*>[]>(65536)) {
  for (size_t i = 0; i < 65536; ++i) pages_[i].store(nullptr, std::memory_order_relaxed);
}

PortPageCache::~PortPageCache() {
  for (size_t i = 0; i < 65536; ++i) delete pages_[i].load();
}

std::string PortPageCache::get(uint16_t port, const std::function<std::string()>& render) {
  if (const std::string* page = pages_[port].load(std::memory_order_acquire)) return *page;
  std::string page = render();
  if (bytes_.load(std::memory_order_relaxed) + page.size() > budget_) return page;
  auto* kept = new std::string(page);
  const std::string* expected = nullptr;
  if (pages_[port].compare_exchange_strong(expected, kept, std::memory_order_acq_rel))
    bytes_.fetch_add(kept->size(), std::memory_order_relaxed);
  else
    delete kept;  // another thread rendered it too
  return page;
}

}  // namespace portauth::web
