// The frame every HTML page shares: head, navigation (ShieldsUP, Port Authority, the search box),
// footer. Pages are plain server-rendered HTML that work without JavaScript; the one script
// (/static/portauth.js) only adds the live grid. Style and script are separate files of our own
// origin: the Content-Security-Policy (web/request.h) allows no inline script or style at all.
#pragma once
#include <string>
#include <string_view>

#include "web/html.h"

namespace portauth::web {

enum class Section { kShieldsUp, kPortAuthority };

// HTML-escapes text for element content and quoted attributes (& < > " ').
std::string esc(std::string_view text);

// "<!DOCTYPE html>..." through the opening of <main>. `title` is escaped here.
void page_start(Html& out, std::string_view title, Section section, std::string_view search_text = {});
std::string page_start(std::string_view title, Section section, std::string_view search_text = {});
// "</main>...</html>".
void page_end(Html& out);
std::string page_end();

// A whole page saying why a request was not served.
std::string error_page(int status, std::string_view why);

// "Bad Request", "Forbidden", ... for the status codes this server uses.
std::string_view status_text(int status);

}  // namespace portauth::web
