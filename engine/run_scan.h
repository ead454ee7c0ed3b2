// A scan as a library call. The caller hands in everything that touches the world: the wire
// (engine/wire.h), the clock, the result writers, the privilege drop and the interrupt flags;
// the engine does the rest:
//
//   setup   (scan_setup.h)   plan -> probe space, probe table, cookie key, source ports,
//                            probe module, capture filter, sender configuration
//   loop    (scan_loop.h)    the sender and capture threads around the shared probe table;
//                            this thread streams results to the writers, reports progress,
//                            watches the interrupt flags
//   verdicts (host_verdicts.h) the hosts that lie: follow-ups on suspects, the classifier;
//                            a suspect's results are held back until its verdict is known
//                            (result_holdback.h), so every writer hears the verdict first
//   finish  (scan_finish.h)  the stealth sweep or, when interrupted, the resume file; the
//                            summary
//
//   sender thread --probe--> wire --reply--> capture thread
//        |  reads                               | CAS first answer
//        +-------------> ProbeTable <-----------+
//                                               | ScanResult
//   main thread <------- SpscQueue <------------+
//
// Two steps because the wire's capture filter depends on the setup (our address and source
// ports): setup first, open the wire with setup.capture_filter(), then run.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "scanner/clock.h"
#include "output/report.h"
#include "config/resume_file.h"
#include "engine/connect_check.h"
#include "engine/scan_extension.h"
#include "config/scan_plan.h"
#include "engine/wire.h"

namespace portauth::engine {

// Raised by the caller's signal handler (app/signals.h); both may be null (never raised).
struct InterruptFlags {
  std::atomic<bool>* stop_sending = nullptr;  // set by the handler itself: sending stops within a batch
  // How many interrupts so far: the first finishes gracefully (announced on stderr with the wait
  // it will keep); one more after that announcement stops at once.
  const std::atomic<int>* interrupts = nullptr;
};

struct RunOptions {
  std::string command_line;          // for ScanInfo
  output::ProgressCallback progress; // may be empty
  std::function<void()> progress_end; // once the loop is over, before any writer's finish(); may be empty
  // Continue an interrupted scan: its first pass starts at resume->next_slot and the slots
  // it already answered are neither probed nor reported again.
  const config::ResumeState* resume = nullptr;
  // Where an interrupted scan writes its resume file, and, when the user named that path, its
  // descriptor, opened before the privilege drop (app/resume_file_slot.h): the file is written
  // there, never moved to /tmp. -1: the default path, with /tmp as the fallback it announces.
  std::string resume_path = "portauth-resume.yaml";
  int resume_fd = -1;
  // Called once the wire (and any extension's socket) is open, before the first probe: the
  // caller drops privileges here (app/privileges.h). May be empty.
  std::function<void()> after_wire_open;
  InterruptFlags interrupt;
  ScanExtension* extension = nullptr;  // TruStealth checks, or none
  // The kernel-connection follow-up for hosts that may be SYN proxies (verdict/classify.h);
  // null: none (their services stay unverified). Used after the loop, on the main thread.
  ConnectChecker* connect = nullptr;
};

class ScanSetup;

// Runs the scan prepared by `setup` on `wire`. Writers get begin(), every result, finish().
output::ScanSummary run_scan(ScanSetup& setup, Wire& wire, scanner::Clock& clock, const output::Annotator& annotate,
                             const std::vector<output::ResultWriter*>& writers, const RunOptions& options);

}  // namespace portauth::engine
