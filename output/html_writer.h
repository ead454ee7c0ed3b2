// The HTML report (-oH): one self-contained page (inline CSS and JavaScript, no fetches of
// any kind) in the style of GRC's ShieldsUP port grid:
//   * summary counts, and the stealth verdict: "Stealth ports: PASSED" only when every
//     probed port of every host is stealth (TruStealth's other half, ignoring pings, is not
//     a port state and not judged here);
//   * per host, a grid with one cell per scanned port coloured by state (open red, closed
//     blue, stealth green; grey for a port an interrupt left without a result); hovering a cell shows
//     the port, its state and reason, the database's name, purpose and risk; a click pins it;
//   * with several hosts, a host x port heat map first (one row per host, the ports in up to
//     64 buckets, each coloured by the most exposed state in it), grids per host below; the
//     grids of the first hosts are drawn at load, up to ~200,000 cells, the rest when their
//     host is opened, so a big sweep stays usable;
//   * a table of the open and closed ports with the Port Authority description and risk
//     (every open port; closed ports up to kMaxTableRows rows in all).
// The grid cells are drawn by the page's script from compact data (one character per port
// and host), so a 65,536-port report stays a few hundred kilobytes. Needs every state.
#pragma once
#include <cstdio>
#include <string>

#include "output/host_report_writer.h"
#include "output/host_table.h"
#include "output/report.h"

namespace portauth::output {

class HtmlWriter final : public HostReportWriter {
 public:
  static constexpr size_t kMaxTableRows = 2000;

  explicit HtmlWriter(std::FILE* out) : HostReportWriter(out) {}
  void flush() override {}  // one document, written whole at finish()
  void finish(const ScanSummary& summary) override;
};

// The whole page for a finished scan (what finish() writes).
std::string html_report(const ScanInfo& info, const std::vector<HostRecords>& hosts, const ScanSummary& summary,
                        size_t max_table_rows = HtmlWriter::kMaxTableRows);

}  // namespace portauth::output
