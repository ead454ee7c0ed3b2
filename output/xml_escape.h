// Escaping for the markup writers (nmap XML, HTML).
#pragma once
#include <string>
#include <string_view>

namespace portauth::output {

// & < > " ' -> entities: safe in element text and in single- or double-quoted attributes.
std::string xml_escape(std::string_view text);

// For the text of an XML comment, which must not contain "--": escapes as above and writes
// the second '-' of each pair as "&#45;" (what nmap does in its "scan initiated" comment).
std::string xml_comment_escape(std::string_view text);

}  // namespace portauth::output
