#include "db/system_services.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cerrno>
#include <vector>

namespace portauth::db {

std::string system_service_name(uint16_t port, std::string_view proto) {
  const std::string proto_text(proto);  // NUL-terminated for the C API
  servent entry{};
  servent* found = nullptr;
  // An /etc/services line with many aliases can outgrow any fixed buffer: grow on ERANGE.
  std::vector<char> buffer(1024);
  while (true) {
    const int rc = getservbyport_r(htons(port), proto_text.c_str(), &entry, buffer.data(),
                                   buffer.size(), &found);
    if (rc == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (rc != 0 || found == nullptr || found->s_name == nullptr) return {};
    return found->s_name;
  }
}

}  // namespace portauth::db
