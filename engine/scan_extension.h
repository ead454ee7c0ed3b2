// Something a scan carries along besides its probes, with a say at fixed points of the scan:
// the TruStealth checks (engine/trustealth_watch.h) are one. Every call is on the main thread
// except what attach() installs on the capture loop, which runs on the capture thread.
#pragma once
#include <string>

#include "capture/capture_loop.h"
#include "output/report.h"

namespace portauth::engine {

class ScanExtension {
 public:
  virtual ~ScanExtension() = default;
  // The capture filter, widened to what the extension must see.
  virtual std::string capture_filter(const std::string& probe_filter) const { return probe_filter; }
  // After the wire is open and before privileges drop (it may open sockets of its own).
  virtual void open() {}
  virtual void attach(capture::CaptureLoop&) {}
  // The sender's current pass, polled by the main loop (pass 0 before any probe leaves).
  virtual void on_pass(unsigned) {}
  virtual void fill(output::ScanSummary&) const {}
};

}  // namespace portauth::engine
