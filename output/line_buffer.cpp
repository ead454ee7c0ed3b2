#include "output/line_buffer.h"

#include <unistd.h>

#include <cerrno>

namespace portauth::output {

void LineBuffer::add_line(std::string_view line) {
  pending_.append(line);
  pending_ += '\n';
  if (pending_.size() >= 64 * 1024) emit();
}

void LineBuffer::emit() {
  if (pending_.empty()) return;
  std::fflush(out_);  // anything already in stdio goes first, to keep the order
  const int fd = fileno(out_);
  if (fd < 0) {  // a memory stream (tests): no descriptor to write to
    std::fwrite(pending_.data(), 1, pending_.size(), out_);
    std::fflush(out_);
  } else {
    const char* p = pending_.data();
    size_t left = pending_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // disk full or a closed pipe: nothing better to do than stop
      p += n;
      left -= size_t(n);
    }
  }
  pending_.clear();
}

}  // namespace portauth::output
