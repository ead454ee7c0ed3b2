#include "web/reply_bytes.h"

#include <charconv>

#include "web/page_layout.h"

namespace portauth::web {
namespace {

// The security headers and the default Cache-Control, as one block of header lines.
const std::string& fixed_block(bool with_cache_control) {
  static const std::string without = [] {
    std::string b;
    for (const auto& [name, value] : security_headers()) b += name + ": " + value + "\r\n";
    return b;
  }();
  static const std::string with = without + "Cache-Control: no-store\r\n";
  return with_cache_control ? with : without;
}

bool writable(const std::string& name, const std::string& value) {
  return is_token(name) && value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

void append_number(std::string& out, size_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, size_t(end - digits));
}

}  // namespace

bool ends_connection(int status) {
  return status == 400 || status == 408 || status == 411 || status == 413 || status == 414 || status == 431 ||
         status >= 500;
}

void append_reply(std::string& out, const Reply& reply, ReplyFraming framing) {
  const int status = reply.status;
  const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
  bool own_cache_control = false;
  for (const auto& h : reply.headers) own_cache_control = own_cache_control || same_name(h.first, "Cache-Control");

  out += "HTTP/1.1 ";
  append_number(out, size_t(status));
  out += ' ';
  out += status_text(status);
  out += "\r\n";
  out += fixed_block(!own_cache_control);
  for (const auto& [name, value] : reply.headers) {
    if (!writable(name, value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!bodiless) {
    out += "Content-Type: ";
    out += reply.content_type;
    out += "\r\nContent-Length: ";
    append_number(out, reply.body.size());
    out += "\r\n";
  }
  if (framing.close) out += "Connection: close\r\n";
  else if (framing.http10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!bodiless && !framing.head_request) out += reply.body;
}

}  // namespace portauth::web
