// Fuzz harness: the port database loader (portauth --db FILE, $PORTAUTH_DB).
//
// Input: the database's YAML text. PortDb::load_string must return a valid database or throw
// DbError; nothing else may escape. A database it returns is then used as the commands use
// it: every port looked up, each entry's page rendered as text and JSON (and the JSON read
// back), names found, the top ports ranked.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "db/port_db.h"
#include "db/page_render.h"

using namespace portauth::db;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const PortDb db = PortDb::load_string(text, "fuzz-ports.yaml");
    for (uint32_t p = 0; p < 65536; ++p) (void)db.find(uint16_t(p));
    for (const auto& e : db.entries()) {
      (void)db.find_by_name(e.name);
      const PortPage page = db.page(e.first);
      (void)render_page_text(page);
      (void)page_from_json(page_json(page));  // what `lookup --format json` writes reads back
    }
    (void)db.page(0);
    (void)db.page(65535);
    (void)db.top_ports(100);
  } catch (const DbError&) {
  }
  return 0;
}
