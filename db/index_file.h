// The compiled port database: everything a validated ports.yaml holds, in a flat binary
// file that loads with no YAML parsing (what ships, and what `lookup` and scans read).
//
// portauth_dbgen (index_gen_main.cpp) writes it at build time from db/data/ports.yaml after
// the loader's full validation, so an index only ever holds a database that passed every
// check. Reading one checks what could make it unsafe or inconsistent (truncation, a
// checksum, counts and lengths that fit the file, enum values, ranges, overlapping ports)
// and throws DbError "FILE: corrupt port index (...)" on any of it; it does not re-run the
// content checks, which the generator already did.
//
// Layout, all integers little-endian; str = u32 length + bytes; list<T> = u32 count + items:
//   "PAUTHIDX" | u32 kIndexFormat | u32 schema_version | str data_version
//   | list<trojan: str name, list<str> aliases, u32 line>
//   | list<entry: u16 first, u16 last, u8 proto, u8 risk, u32 rank, u32 line, str name,
//       list<str> aliases, str purpose, str description, str background, str security,
//       str if_open, str history, str trojan_notes, list<u16> related, list<str> trojans,
//       list<str> refs>
//   | u64 FNV-1a of every byte before it
#pragma once

#include <string>
#include <string_view>

#include "db/db_loader.h"

namespace portauth::db {

inline constexpr std::string_view kIndexMagic = "PAUTHIDX";
inline constexpr uint32_t kIndexFormat = 2;

// True if `bytes` starts like an index (the magic), whatever follows.
bool looks_like_index(std::string_view bytes);

std::string write_index(const LoadedDb& db);

// Throws DbError naming `source` on anything write_index() would not have produced.
LoadedDb read_index(std::string_view bytes, const std::string& source);

}  // namespace portauth::db
