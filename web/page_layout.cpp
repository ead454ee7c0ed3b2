#include "web/page_layout.h"

#include "common/version.h"

namespace portauth::web {

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_escaped(out, text);
  return out;
}

std::string_view status_text(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
  }
  return "Error";
}

void page_start(Html& o, std::string_view title, Section section, std::string_view search_text) {
  const bool sup = section == Section::kShieldsUp;
  o.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
      .text(title)
      .raw(" &middot; portauth</title>\n<link rel=\"stylesheet\" href=\"/static/portauth.css\">\n"
           "<script src=\"/static/portauth.js\" defer></script>\n</head>\n<body>\n<header class=\"top\">"
           "<a class=\"brand\" href=\"/\">portauth</a><nav>")
      .raw(sup ? "<a class=\"on\" href=\"/\">ShieldsUP</a><a href=\"/port\">Port Authority</a>"
               : "<a href=\"/\">ShieldsUP</a><a class=\"on\" href=\"/port\">Port Authority</a>")
      .raw("</nav><form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">"
           "<input type=\"search\" name=\"q\" maxlength=\"200\" placeholder=\"Search ports, services, trojans\" "
           "aria-label=\"Search the Port Authority\" value=\"")
      .text(search_text)
      .raw("\"><button type=\"submit\">Search</button></form></header>\n<main>\n");
}

std::string page_start(std::string_view title, Section section, std::string_view search_text) {
  Html o(2048);
  page_start(o, title, section, search_text);
  return o.take();
}

void page_end(Html& o) {
  o.raw("</main>\n<footer>portauth ")
      .raw(common::kVersion)
      .raw(" &middot; open = SYN-ACK, closed = RST or ICMP unreachable, stealth = no answer after every retry"
           " &middot; every test probes only the address it was asked from</footer>\n</body>\n</html>\n");
}

std::string page_end() {
  Html o(512);
  page_end(o);
  return o.take();
}

std::string error_page(int status, std::string_view why) {
  Html o(4096);
  const std::string title = std::to_string(status) + " " + std::string(status_text(status));
  page_start(o, title, Section::kShieldsUp);
  o.raw("<h1>").text(title).raw("</h1>\n<p class=\"why\">").text(why).raw(
      "</p>\n<p><a href=\"/\">Back to ShieldsUP</a> &middot; <a href=\"/port\">Port Authority</a></p>\n");
  page_end(o);
  return o.take();
}

}  // namespace portauth::web
