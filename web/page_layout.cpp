#include "web/page_layout.h"

#include "common/version.h"
#include "output/xml_escape.h"

namespace portauth::web {

std::string esc(std::string_view text) { return output::xml_escape(text); }

std::string_view status_text(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Error";
}

std::string page_start(std::string_view title, Section section, std::string_view search_text) {
  const bool sup = section == Section::kShieldsUp;
  std::string o;
  o.reserve(2048);
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  o += esc(title);
  o += " &middot; portauth</title>\n<link rel=\"stylesheet\" href=\"/static/portauth.css\">\n"
       "<script src=\"/static/portauth.js\" defer></script>\n</head>\n<body>\n<header class=\"top\">"
       "<a class=\"brand\" href=\"/\">portauth</a><nav>";
  o += sup ? "<a class=\"on\" href=\"/\">ShieldsUP</a>" : "<a href=\"/\">ShieldsUP</a>";
  o += sup ? "<a href=\"/port\">Port Authority</a>" : "<a class=\"on\" href=\"/port\">Port Authority</a>";
  o += "</nav><form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">"
       "<input type=\"search\" name=\"q\" maxlength=\"200\" placeholder=\"Search ports, services, trojans\" "
       "aria-label=\"Search the Port Authority\" value=\"";
  o += esc(search_text);
  o += "\"><button type=\"submit\">Search</button></form></header>\n<main>\n";
  return o;
}

std::string page_end() {
  return std::string("</main>\n<footer>portauth ") + common::kVersion +
         " &middot; open = SYN-ACK, closed = RST or ICMP unreachable, stealth = no answer after every retry"
         " &middot; every test probes only the address it was asked from</footer>\n</body>\n</html>\n";
}

std::string error_page(int status, std::string_view why) {
  std::string o = page_start(std::to_string(status) + " " + std::string(status_text(status)), Section::kShieldsUp);
  o += "<h1>" + std::to_string(status) + " " + std::string(status_text(status)) + "</h1>\n<p class=\"why\">" +
       esc(why) + "</p>\n<p><a href=\"/\">Back to ShieldsUP</a> &middot; <a href=\"/port\">Port Authority</a></p>\n";
  return o + page_end();
}

}  // namespace portauth::web
