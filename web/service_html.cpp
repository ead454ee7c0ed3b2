#include "web/service_html.h"

#include "output/service_text.h"
#include "report/service_report.h"
#include "web/page_layout.h"

namespace portauth::web {
namespace {

void fact(Html& o, std::string_view label, std::string_view value, std::string_view id = {}) {
  o.raw("<dt>").text(label).raw("</dt><dd");
  if (!id.empty()) o.raw(" id=\"").raw(id).raw("\"");
  o.raw(">").text(value).raw("</dd>");
}

}  // namespace

std::string service_facts_html(const service::ServiceInfo& s) {
  Html o(1024);
  if (s.answer == service::Answer::kIdentified) {
    o.raw("<dt>Service</dt><dd><b id=\"probe-service\">")
        .text(service::service_column(s))
        .raw("</b> (identified from its answer)</dd>");
    if (const std::string p = service::product_line(s); !p.empty()) fact(o, "Product", p, "probe-product");
  } else {
    fact(o, "Service", service::answer_name(s.answer), "probe-service");
  }
  if (s.tls) {
    const service::TlsFacts& t = *s.tls;
    std::string tls = t.version + (t.cipher.empty() ? "" : ", " + t.cipher);
    if (!t.subject.empty()) tls += "; subject " + t.subject;
    if (!t.issuer.empty()) tls += t.self_signed ? "; self-signed" : "; issuer " + t.issuer;
    if (!t.san.empty()) {
      tls += "; names ";
      for (size_t i = 0; i < t.san.size(); ++i) tls += (i ? ", " : "") + t.san[i];
    }
    if (!t.not_after.empty()) tls += "; valid until " + t.not_after;
    fact(o, "TLS", tls, "probe-tls");
  }
  for (const auto& [k, v] : s.details)
    if (k == "starttls" || k == "title" || k == "status") fact(o, k, v);
  if (!s.banner.empty())
    o.raw("<dt>Banner</dt><dd><code class=\"answered\" id=\"probe-banner\">")
        .text(service::escape_banner(s.banner))
        .raw("</code></dd>");
  return o.take();
}

std::string what_answers_html(const service::ServiceInfo& s, uint16_t port, const std::vector<std::string>& port_names) {
  // The command line's paragraph, unwrapped: the browser wraps.
  std::string text = report::what_answers(s, port, port_names);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ' ';
  Html o(512);
  o.raw("<p class=\"what-answers\" id=\"what-answers\">").text(text).raw("</p>\n");
  return o.take();
}

std::string service_cell_html(const output::Annotation& a, const service::ServiceInfo* s) {
  Html o(256);
  o.text(output::service_name(a, s, true));
  if (const std::string v = output::service_version(s); !v.empty())
    o.raw("<br><span class=\"answered\">").text(v).raw("</span>");
  return o.take();
}

}  // namespace portauth::web
