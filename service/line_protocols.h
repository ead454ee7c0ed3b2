// What the line-oriented mail and news protocols share (FTP, SMTP, NNTP: RFC 959 4.2, RFC 5321
// 4.2, RFC 3977 3.2): a reply line starts with a three-digit code and a space (last line) or a
// hyphen (more lines follow).
#pragma once
#include <string>
#include <string_view>

namespace portauth::service {

// The code of a reply line ("220 mail ESMTP" -> 220), or -1.
int reply_code(std::string_view line);
// The word after the code in the first line, when it looks like a host name (letters,
// digits, '.', '-', at least one '.'): "220 mail.example.org ESMTP" -> "mail.example.org".
std::string greeting_host(std::string_view first_line);

}  // namespace portauth::service
